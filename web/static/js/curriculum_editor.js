// The modules and lessons of a course being edited: add, rename, edit, reorder (up/down, keyboard
// friendly), delete. Every change goes through `act` (editor.js), which runs the command and redraws the
// course as it now is.
import { command } from "./api.js";
import { h } from "./dom.js";
import { markdownField } from "./markdown_field.js";

const CONFIRM_MS = 5000;

// A delete button that asks once more: the first press arms it for a few seconds, the second deletes.
function deleteButton(what, remove) {
  const button = h("button", { type: "button", class: "link-button danger" }, `Delete ${what}`);
  let armed = null;
  button.addEventListener("click", () => {
    if (armed) {
      clearTimeout(armed);
      remove();
      return;
    }
    button.textContent = `Really delete ${what}?`;
    armed = setTimeout(() => { armed = null; button.textContent = `Delete ${what}`; }, CONFIRM_MS);
  });
  return button;
}

function moveButtons(label, position, count, move) {
  const up = h("button", { type: "button", class: "icon-button", "aria-label": `Move ${label} up`, disabled: position === 1 }, "↑");
  const down = h("button", { type: "button", class: "icon-button", "aria-label": `Move ${label} down`, disabled: position === count }, "↓");
  up.addEventListener("click", () => move(position - 1));
  down.addEventListener("click", () => move(position + 1));
  return [up, down];
}

// `modules`: where an existing lesson may be moved to ([{id, title}]), its own first.
function lessonForm(lesson, save, cancel, modules = []) {
  const id = lesson.id || "new";
  const moveTo = modules.length > 1 ? h("div", { class: "field" }, h("label", { for: `lesson-module-${id}` }, "Module"),
    h("select", { id: `lesson-module-${id}`, name: "module_id" }, modules.map((module) => h("option", { value: module.id }, module.title)))) : null;
  const form = h("form", { class: "lesson-form", "aria-label": lesson.id ? `Edit ${lesson.title}` : "New lesson" },
    h("div", { class: "field" }, h("label", { for: `lesson-title-${id}` }, "Lesson title"),
      h("input", { id: `lesson-title-${id}`, name: "title", required: true, maxlength: 200, value: lesson.title ?? "" })),
    markdownField("Content", { name: `content-${id}`, maxlength: 100000, required: true }, lesson.content ?? ""),
    h("div", { class: "field-row" },
      h("div", { class: "field" }, h("label", { for: `lesson-video-${id}` }, "Video URL (YouTube or Vimeo are embedded)"),
        h("input", { id: `lesson-video-${id}`, name: "video_url", type: "url", value: lesson.video_url ?? "" })),
      h("div", { class: "field" }, h("label", { for: `lesson-minutes-${id}` }, "Minutes"),
        h("input", { id: `lesson-minutes-${id}`, name: "duration_minutes", type: "number", min: 0, max: 1440, required: true, value: lesson.duration_minutes ?? 10 })),
      moveTo),
    h("div", { class: "facet-option" }, h("input", { type: "checkbox", id: `lesson-preview-${id}`, name: "is_preview", checked: Boolean(lesson.is_preview) }),
      h("label", { for: `lesson-preview-${id}` }, "Free preview (anyone may open it)")),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "button" }, lesson.id ? "Save lesson" : "Add lesson"),
      h("button", { type: "button", class: "button button-secondary", onclick: cancel }, "Cancel")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const video = String(data.get("video_url") || "").trim();
    save({
      title: String(data.get("title")),
      content: String(data.get(`content-${id}`)),
      video_url: video || null,
      duration_minutes: Number.parseInt(String(data.get("duration_minutes")), 10) || 0,
      is_preview: data.get("is_preview") === "on",
      ...(moveTo && data.get("module_id") !== modules[0].id ? { module_id: String(data.get("module_id")) } : {}),
    });
  });
  return form;
}

function lessonRow(lesson, module, modules, act) {
  const row = h("li", { class: "lesson-row", dataset: { lessonId: lesson.id } });
  const show = () => {
    const edit = h("button", { type: "button", class: "link-button" }, "Edit");
    edit.addEventListener("click", () => {
      row.replaceChildren(lessonForm(lesson, (body) => {
        if (!body.video_url && !lesson.video_url) delete body.video_url;
        act(() => command("PATCH", `/lessons/${lesson.id}`, body), `Lesson “${body.title}” saved.`);
      }, show, [module, ...modules.filter((other) => other.id !== module.id)]));
      row.querySelector("input").focus();
    });
    row.replaceChildren(
      h("span", { class: "lesson-name" }, `${lesson.position}. ${lesson.title}`),
      h("span", { class: "lesson-meta" }, `${lesson.duration_minutes} min`, lesson.is_preview ? " · free preview" : ""),
      h("span", { class: "row-actions" }, edit,
        moveButtons(`lesson ${lesson.title}`, lesson.position, module.lessons.length,
          (position) => act(() => command("PATCH", `/lessons/${lesson.id}`, { position }), "Lesson moved.")),
        deleteButton("lesson", () => act(() => command("DELETE", `/lessons/${lesson.id}`), "Lesson deleted."))));
  };
  show();
  return row;
}

function moduleHead(module, count, act) {
  const head = h("div", { class: "module-head" });
  const show = () => {
    const rename = h("button", { type: "button", class: "link-button" }, "Rename");
    rename.addEventListener("click", () => {
      const field = h("input", { name: "title", required: true, maxlength: 200, value: module.title, "aria-label": "Module title" });
      const form = h("form", { class: "inline-form" }, field, h("button", { type: "submit", class: "button" }, "Save"),
        h("button", { type: "button", class: "button button-secondary", onclick: show }, "Cancel"));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        act(() => command("PATCH", `/modules/${module.id}`, { title: field.value }), "Module renamed.");
      });
      head.replaceChildren(form);
      field.focus();
    });
    head.replaceChildren(h("h3", {}, `Module ${module.position}: ${module.title}`),
      h("span", { class: "row-actions" }, rename,
        moveButtons(`module ${module.title}`, module.position, count,
          (position) => act(() => command("PATCH", `/modules/${module.id}`, { position }), "Module moved.")),
        deleteButton("module", () => act(() => command("DELETE", `/modules/${module.id}`), "Module deleted with its lessons."))));
  };
  show();
  return head;
}

function moduleSection(module, modules, act) {
  const adding = h("div", { class: "add-lesson" });
  const closed = () => {
    const open = h("button", { type: "button", class: "button button-secondary" }, "Add a lesson");
    open.addEventListener("click", () => {
      adding.replaceChildren(lessonForm({}, (body) => {
        if (!body.video_url) delete body.video_url;
        act(() => command("POST", `/modules/${module.id}/lessons`, body), `Lesson “${body.title}” added.`);
      }, closed));
      adding.querySelector("input").focus();
    });
    adding.replaceChildren(open);
  };
  closed();
  return h("section", { class: "module-editor", dataset: { moduleId: module.id } },
    moduleHead(module, modules.length, act),
    module.lessons.length ? h("ol", { class: "lesson-rows" }, module.lessons.map((lesson) => lessonRow(lesson, module, modules, act)))
      : h("p", { class: "hint" }, "No lesson yet."),
    adding);
}

export function curriculumEditor(course, act) {
  const title = h("input", { id: "new-module-title", name: "title", required: true, maxlength: 200 });
  const add = h("form", { class: "inline-form", id: "add-module" },
    h("label", { for: "new-module-title" }, "New module"), title, h("button", { type: "submit", class: "button" }, "Add module"));
  add.addEventListener("submit", (event) => {
    event.preventDefault();
    act(() => command("POST", `/courses/${course.id}/modules`, { title: title.value }), `Module “${title.value}” added.`);
  });
  return h("section", { class: "curriculum-editor", "aria-labelledby": "curriculum-editor-title" },
    h("h2", { id: "curriculum-editor-title" }, "Curriculum"),
    course.modules.length ? null : h("p", { class: "hint" }, "Start with a module, then add lessons to it. A course needs a lesson before it can be published."),
    course.modules.map((module) => moduleSection(module, course.modules, act)),
    add);
}
