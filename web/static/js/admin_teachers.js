// Admins: teachers waiting for verification (and those verified), oldest first, with a Verify button.
import { command } from "./api.js";
import { dataTable, h, main, replace, status } from "./dom.js";
import { explain } from "./forms.js";
import { drawNav } from "./nav.js";

const TABS = [["pending", "Waiting for verification"], ["verified", "Verified"]];
let shown = new URLSearchParams(location.search).get("status") === "verified" ? "verified" : "pending";
let cursor = null;
const rows = h("tbody", { id: "teacher-rows" });
const more = h("button", { type: "button", class: "button button-secondary", hidden: true }, "Show more");
const message = h("div", { role: "status", "aria-live": "polite", id: "admin-status" });

function row(user) {
  const cell = h("td", {});
  if (user.is_verified) cell.append(h("span", { class: "badge badge-published" }, "verified"));
  else {
    const verify = h("button", { type: "button", class: "button", "aria-label": `Verify ${user.name}` }, "Verify");
    verify.addEventListener("click", async () => {
      verify.disabled = true;
      try {
        const done = await command("POST", `/admin/teachers/${user.id}/verify`);
        replace(cell, h("span", { class: "badge badge-published" }, "verified"));
        replace(message, status(`${done.name} is verified and may author courses now.`));
      } catch (error) {
        verify.disabled = false;
        replace(message, status(explain(error), "error"));
      }
    });
    cell.append(verify);
  }
  return h("tr", { dataset: { userId: user.id } }, h("th", { scope: "row" }, user.name), h("td", {}, user.email), cell);
}

async function load() {
  const page = await command("GET", `/admin/teachers?status=${shown}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
  if (!cursor && !page.items.length) rows.append(h("tr", {}, h("td", { colspan: 3 }, shown === "pending" ? "No teacher is waiting." : "No verified teacher yet.")));
  for (const user of page.items) rows.append(row(user));
  cursor = page.next_cursor;
  more.hidden = !cursor;
}

async function draw() {
  const user = await drawNav();
  if (!user || user.role !== "admin") return replace(main(), h("h1", {}, "Teachers"), status("This page is for admins.", "error"));
  const tabs = h("nav", { class: "tabs", "aria-label": "Teachers" }, TABS.map(([value, label]) =>
    h("a", { href: `/admin/teachers?status=${value}`, "aria-current": value === shown ? "page" : false }, label)));
  more.addEventListener("click", () => load().catch((error) => replace(message, status(explain(error), "error"))));
  replace(main(), h("h1", {}, "Teachers"), tabs, message,
    dataTable("teachers", ["Name", "Email", "Status"], rows), more);
  await load();
}

draw().catch((error) => replace(main(), h("h1", {}, "Teachers"), status(explain(error), "error")));
