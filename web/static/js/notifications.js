import { command } from "./api.js";
import { h, main, replace, status } from "./dom.js";
import { drawNav } from "./nav.js";

function link(item) {
  return item.data && item.data.course_id ? h("a", { href: `/courses/${item.data.course_id}` }, "Open the course") : null;
}

async function draw() {
  const user = await drawNav();
  if (!user) return replace(main(), h("h1", {}, "Notifications"), status("Log in to see your notifications."));
  const { items } = await command("GET", "/notifications");
  replace(main(), h("h1", {}, "Notifications"), items.length ? h("ul", { class: "notifications" }, items.map((item) => {
    const read = h("button", { type: "button", class: "link-button", hidden: Boolean(item.read_at) }, "Mark as read");
    const row = h("li", { class: item.read_at ? "notification" : "notification unread" }, h("h2", {}, item.title), h("p", {}, item.body), link(item), read);
    read.addEventListener("click", async () => {
      await command("POST", `/notifications/${item.id}/read`);
      row.classList.remove("unread");
      read.hidden = true;
    });
    return row;
  })) : h("p", {}, "Nothing new."));
}

draw();
