// A student's courses with their progress.
import { command, read } from "./api.js";
import { h, main, replace, status } from "./dom.js";
import { drawNav } from "./nav.js";

async function draw() {
  const user = await drawNav();
  if (!user) return replace(main(), h("h1", {}, "My courses"), status("Log in to see your courses."), h("a", { class: "button", href: "/login?next=/me/courses" }, "Log in"));
  const { items } = await command("GET", "/me/enrollments");
  if (!items.length) return replace(main(), h("h1", {}, "My courses"), h("p", {}, "You have not enrolled in a course yet. ", h("a", { href: "/" }, "Find one")));
  const cards = await Promise.all(items.map((item) => read(`/courses/${item.course_id}`).catch(() => null)));
  replace(main(), h("h1", {}, "My courses"), h("ul", { class: "my-courses" }, items.map((item, index) =>
    h("li", { class: "my-course" },
      h("h2", {}, h("a", { href: `/courses/${item.course_id}` }, cards[index]?.title ?? "A course no longer published")),
      h("progress", { max: 100, value: item.progress_percent, "aria-label": `Progress in ${cards[index]?.title ?? "the course"}` }),
      h("p", { class: "progress-line" }, `${item.progress_percent}% · ${item.completed_lessons} of ${item.total_lessons} lessons`, item.completed_at ? " · completed" : "")))));
}

draw();
