// A markdown textarea with a preview of exactly what students will see: the command API renders and
// sanitises it (POST /markdown/preview, the renderer lessons are shown with), so this page never turns
// the teacher's text into HTML itself. The preview follows the typing while it is open.
import { command } from "./api.js";
import { h, status } from "./dom.js";

const PREVIEW_DEBOUNCE_MS = 300;

export function markdownField(label, attributes, value = "") {
  const id = `field-${attributes.name}`;
  const area = h("textarea", { id, rows: 10, spellcheck: "true", ...attributes });
  area.value = value;
  const preview = h("div", { class: "markdown-preview lesson-body", id: `${id}-preview`, hidden: true, "aria-live": "polite" });
  const toggle = h("button", { type: "button", class: "link-button", "aria-controls": preview.id, "aria-expanded": "false" }, "Show preview");
  let timer = null;
  let sent = 0;

  async function render() {
    const number = ++sent;
    try {
      const { html } = await command("POST", "/markdown/preview", { markdown: area.value });
      if (number !== sent) return; // a newer preview was asked for
      preview.innerHTML = html; // sanitised by the command API (write/rendering.py), as lesson HTML is
    } catch (error) {
      if (number === sent) preview.replaceChildren(status(error.message, "error"));
    }
  }

  toggle.addEventListener("click", () => {
    const open = preview.hidden;
    preview.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Hide preview" : "Show preview";
    if (open) render();
  });
  area.addEventListener("input", () => {
    if (preview.hidden) return;
    clearTimeout(timer);
    timer = setTimeout(render, PREVIEW_DEBOUNCE_MS);
  });
  return h("div", { class: "field markdown-field" },
    h("div", { class: "field-head" }, h("label", { for: id }, label), toggle),
    area, h("p", { class: "hint" }, "Markdown: **bold**, _italic_, `code`, lists, links, headings."), preview);
}
