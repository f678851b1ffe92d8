// A teacher's course editor (/teach/courses/new, /teach/courses/{id}): the course's fields, its modules and
// lessons, publishing. The working copy comes from the command API (the owner's own, drafts included);
// beside it, what students see -- the card and curriculum from the read API at the version the last
// change produced (min_version), so the page never shows a state older than the teacher's own writes.
import { ApiError, command, readAtLeast } from "./api.js";
import { curriculumEditor } from "./curriculum_editor.js";
import { h, main, minutes, price, replace, status } from "./dom.js";
import { explain } from "./forms.js";
import { markdownField } from "./markdown_field.js";
import { drawNav } from "./nav.js";
import { authoringBlocked } from "./teaching.js";

const LEVELS = ["beginner", "intermediate", "advanced"];
let courseId = location.pathname.split("/")[3];
if (courseId === "new") courseId = null;
let categories = [];
const live = h("div", { class: "editor-status", id: "editor-status", role: "status", "aria-live": "polite", tabindex: -1 });

function select(name, options, chosen) {
  return h("select", { id: `field-${name}`, name, required: true },
    options.map(([value, label]) => h("option", { value, selected: value === chosen }, label)));
}

function input(label, attributes) {
  const id = `field-${attributes.name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, ...attributes }));
}

function courseFields(course) {
  return [
    input("Title", { name: "title", required: true, minlength: 3, maxlength: 200, value: course.title ?? "" }),
    markdownField("Description", { name: "description", maxlength: 20000 }, course.description ?? ""),
    h("div", { class: "field-row" },
      h("div", { class: "field" }, h("label", { for: "field-category" }, "Category"),
        select("category", categories.map((c) => [c.slug, c.name]), course.category)),
      h("div", { class: "field" }, h("label", { for: "field-level" }, "Level"),
        select("level", LEVELS.map((l) => [l, l[0].toUpperCase() + l.slice(1)]), course.level)),
      input("Price (0 = free)", { name: "price", type: "number", min: 0, max: 10000, step: "0.01", required: true, value: course.price ?? "0" }),
      input("Language (two letters)", { name: "language", required: true, pattern: "[A-Za-z]{2}", maxlength: 2, value: course.language ?? "en" })),
  ];
}

function valuesOf(form) {
  const data = new FormData(form);
  return Object.fromEntries(["title", "description", "category", "level", "price", "language"].map((name) => [name, String(data.get(name) ?? "")]));
}

// Where the keyboard was, to put it back after the page is drawn again: the same control of the same
// lesson or module (it may have moved), else the status line that says what happened.
function focusKeeper() {
  const active = document.activeElement;
  const holder = active && active.closest("[data-lesson-id], [data-module-id]");
  const label = active && (active.getAttribute("aria-label") || active.textContent);
  const within = holder && (holder.dataset.lessonId ? `[data-lesson-id="${holder.dataset.lessonId}"]` : `[data-module-id="${holder.dataset.moduleId}"]`);
  return () => {
    const box = within && main().querySelector(within);
    const again = active && active.id ? document.getElementById(active.id)
      : box && [...box.querySelectorAll("button, a, input")].find((el) => (el.getAttribute("aria-label") || el.textContent) === label);
    (again && !again.disabled ? again : live).focus();
  };
}

// Runs a command, then shows the course as it now is; `done` is the message for a person.
async function act(work, done) {
  const refocus = focusKeeper();
  main().setAttribute("aria-busy", "true");
  try {
    await work();
    await reload(done);
    refocus();
  } catch (error) {
    replace(live, status(explain(error), "error"));
  } finally {
    main().removeAttribute("aria-busy");
  }
}

function drawNew() {
  const form = h("form", { class: "editor-form", id: "course-form" }, courseFields({}),
    h("button", { type: "submit", class: "button" }, "Create draft"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const created = await command("POST", "/courses", valuesOf(form));
      courseId = created.id;
      history.replaceState({}, "", `/teach/courses/${courseId}`);
      await reload("Draft created. Add a module and a lesson, then publish it.");
    } catch (error) {
      replace(live, status(explain(error), "error"));
    }
  });
  replace(main(), h("p", { class: "crumbs" }, h("a", { href: "/teach" }, "Your courses")), h("h1", {}, "New course"), live, form);
}

function detailsForm(course) {
  const form = h("form", { class: "editor-form", id: "course-form", "aria-labelledby": "details-title" },
    h("h2", { id: "details-title" }, "Details"), courseFields(course), h("button", { type: "submit", class: "button" }, "Save details"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = valuesOf(form);
    const changed = Object.fromEntries(Object.entries(values).filter(([name, value]) =>
      name === "price" ? Number(value) !== Number(course.price) : value !== String(course[name] ?? "")));
    if (!Object.keys(changed).length) return replace(live, status("Nothing changed."));
    act(() => command("PATCH", `/courses/${course.id}`, changed), "Details saved.");
  });
  return form;
}

function publishing(course) {
  const published = course.status === "published";
  const button = h("button", { type: "button", class: published ? "button button-secondary" : "button", id: "publish-toggle" },
    published ? "Unpublish" : "Publish");
  button.addEventListener("click", () => act(() => command("POST", `/courses/${course.id}/${published ? "unpublish" : "publish"}`),
    published ? "Unpublished: the course left the catalog (enrolled students keep it)." : "Published: the course is in the catalog and search."));
  return h("div", { class: "publishing" },
    h("span", { class: `badge badge-${course.status}`, id: "course-status" }, course.status),
    h("span", { class: "version", id: "course-version" }, `version ${course.version}`),
    button,
    published ? h("a", { href: `/courses/${course.id}` }, "Open the public page") : null);
}

async function publicView(course) {
  const box = h("section", { class: "public-view", id: "public-view", "aria-labelledby": "public-title" },
    h("h2", { id: "public-title" }, "What students see"));
  if (course.status !== "published") {
    box.append(h("p", {}, course.status === "draft"
      ? "Nothing yet: a draft is visible to you only. Publish it to list it in the catalog and search."
      : "Nothing new: an unpublished course is out of the catalog and search; students enrolled in it keep it."));
    return box;
  }
  try {
    const [card, curriculum] = await Promise.all([
      readAtLeast(`/courses/${course.id}`, course.version), readAtLeast(`/courses/${course.id}/curriculum`, course.version)]);
    box.append(
      h("p", { class: "hint", id: "public-version" }, `Live at version ${card.version}.`),
      h("h3", { id: "public-card-title" }, card.title), h("p", {}, card.summary),
      h("p", { class: "hit-meta" }, h("span", {}, card.category.name), h("span", { class: "level" }, card.level),
        h("span", {}, `${card.lesson_count} lessons · ${minutes(card.duration_minutes)}`), h("strong", {}, price(card))),
      h("ol", { class: "modules", id: "public-curriculum" }, curriculum.modules.map((module) =>
        h("li", {}, module.title, h("ol", { class: "lessons" }, module.lessons.map((lesson) => h("li", {}, lesson.title)))))));
  } catch (error) {
    box.append(status(error instanceof ApiError && error.code === "projection_lagging"
      ? "The public page is still catching up with your last change; reload in a moment." : explain(error), "error"));
  }
  return box;
}

async function reload(message) {
  const course = await command("GET", `/courses/${courseId}`);
  document.title = `${course.title} · Editing · EduPlatform`;
  const view = await publicView(course);
  replace(main(),
    h("p", { class: "crumbs" }, h("a", { href: "/teach" }, "Your courses")),
    h("div", { class: "page-head" }, h("h1", { id: "editor-title" }, course.title), publishing(course)),
    live,
    h("div", { class: "editor-layout" },
      h("div", { class: "editor-main" }, detailsForm(course), curriculumEditor(course, act)),
      view));
  if (message) replace(live, status(message));
}

async function draw() {
  const user = await drawNav();
  const blocked = authoringBlocked(user, location.pathname);
  if (blocked) return replace(main(), h("h1", {}, "Course editor"), ...blocked);
  categories = (await command("GET", "/categories")).items;
  if (!courseId) return drawNew();
  try {
    await reload();
  } catch (error) {
    replace(main(), h("h1", {}, "Course editor"), status(error.status === 404 ? "No such course of yours." : explain(error), "error"));
  }
}

draw();
