// A teacher's dashboard: their courses, drafts included (the command API's working copies), each published
// one with its students and rating from its card -- read at the version the teacher last wrote, so a
// change made a moment ago is never shown stale.
import { command, readAtLeast } from "./api.js";
import { dataTable, h, main, price, replace, status } from "./dom.js";
import { drawNav } from "./nav.js";
import { authoringBlocked } from "./teaching.js";

function statsOf(course, card) {
  if (course.status !== "published") return [h("td", {}, "—"), h("td", {}, "—")];
  if (!card) return [h("td", { colspan: 2 }, "Figures not available yet")];
  const rating = card.review_count ? `★ ${Number(card.rating_avg).toFixed(1)} (${card.review_count.toLocaleString()})` : "No ratings yet";
  return [h("td", { class: "number" }, card.enrollment_count.toLocaleString()), h("td", {}, rating)];
}

function row(course, card) {
  const published = course.status === "published";
  return h("tr", { dataset: { courseId: course.id } },
    h("th", { scope: "row" }, h("a", { href: `/teach/courses/${course.id}` }, course.title)),
    h("td", {}, h("span", { class: `badge badge-${course.status}` }, course.status)),
    ...statsOf(course, card),
    h("td", { class: "number" }, `${course.module_count} / ${course.lesson_count}`),
    h("td", {}, price({ is_free: Number(course.price) === 0, price: course.price, currency: course.currency })),
    h("td", {}, h("time", { datetime: course.updated_at }, new Date(course.updated_at).toLocaleDateString())),
    h("td", {}, published ? h("a", { href: `/courses/${course.id}` }, "Public page") : ""));
}

function totals(courses, cards) {
  const published = courses.filter((course) => course.status === "published").length;
  const students = cards.reduce((sum, card) => sum + (card ? card.enrollment_count : 0), 0);
  const reviews = cards.reduce((sum, card) => sum + (card ? card.review_count : 0), 0);
  const weighted = cards.reduce((sum, card) => sum + (card ? card.rating_avg * card.review_count : 0), 0);
  const rating = reviews ? `★ ${(weighted / reviews).toFixed(2)} over ${reviews.toLocaleString()} reviews` : "no reviews yet";
  return h("p", { class: "dashboard-totals", id: "dashboard-totals" },
    `${courses.length} course${courses.length === 1 ? "" : "s"}, ${published} published · ${students.toLocaleString()} students · ${rating}`);
}

async function draw() {
  const user = await drawNav();
  const blocked = authoringBlocked(user, "/teach");
  if (blocked) return replace(main(), h("h1", {}, "Teach on EduPlatform"), ...blocked);
  const { items } = await command("GET", "/me/courses?limit=200");
  const cards = await Promise.all(items.map((course) =>
    course.status === "published" ? readAtLeast(`/courses/${course.id}`, course.version).catch(() => null) : null));
  const create = h("a", { class: "button", href: "/teach/courses/new" }, "New course");
  if (!items.length) {
    return replace(main(), h("h1", {}, "Your courses"), h("p", {}, "You have no course yet."), create);
  }
  replace(main(), h("div", { class: "page-head" }, h("h1", {}, "Your courses"), create), totals(items, cards),
    dataTable("my-courses", ["Course", "Status", "Students", "Rating", "Modules / lessons", "Price", "Updated", ""],
      h("tbody", {}, items.map((course, index) => row(course, cards[index])))));
}

draw().catch((error) => replace(main(), h("h1", {}, "Your courses"), status(error.message, "error")));
