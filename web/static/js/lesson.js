// A lesson: its sanitised HTML, its video, "mark complete" and the next lesson.
import { command, currentUser, read } from "./api.js";
import { h, main, replace, status } from "./dom.js";
import { drawNav } from "./nav.js";
import { video } from "./video.js";

const lessonId = location.pathname.split("/")[2];

function nextOf(curriculum) {
  const all = curriculum.modules.flatMap((module) => module.lessons);
  const at = all.findIndex((lesson) => lesson.id === lessonId);
  return at >= 0 ? all[at + 1] || null : null;
}

async function draw() {
  const [user] = await Promise.all([drawNav(), currentUser()]);
  let lesson;
  try {
    lesson = await command("GET", `/lessons/${lessonId}`);
  } catch (error) {
    const why = error.status === 401 ? "Log in to see this lesson." : error.status === 403 ? "Enroll in the course to see this lesson." : error.message;
    replace(main(), h("h1", {}, "Lesson"), status(why, "error"), error.status === 401 ? h("a", { class: "button", href: `/login?next=${encodeURIComponent(location.pathname)}` }, "Log in") : null);
    return;
  }
  document.title = `${lesson.title} · EduPlatform`;
  const curriculum = await read(`/courses/${lesson.course_id}/curriculum`).catch(() => null);
  const next = curriculum ? nextOf(curriculum) : null;
  const body = h("div", { class: "lesson-body" });
  body.innerHTML = lesson.html; // the one place HTML goes in: sanitised by the command side (write/rendering.py)
  const done = h("div", { class: "lesson-progress", "aria-live": "polite" });
  const complete = h("button", { type: "button", class: "button" }, "Mark as complete");
  complete.addEventListener("click", async () => {
    complete.disabled = true;
    try {
      const result = await command("POST", `/lessons/${lessonId}/complete`);
      replace(done, status(result.course_completed ? "Course completed. Well done!" : `Lesson complete: ${result.progress_percent}% of the course done.`));
    } catch (error) {
      complete.disabled = false;
      replace(done, status(error.message, "error"));
    }
  });
  replace(main(), h("article", { class: "lesson" },
    h("p", { class: "crumbs" }, h("a", { href: `/courses/${lesson.course_id}` }, "Back to the course")),
    h("h1", {}, lesson.title),
    lesson.video_url ? video(lesson.video_url, lesson.title) : null,
    body,
    h("div", { class: "lesson-actions" }, user && user.role === "student" ? complete : null,
      next ? h("a", { class: "button button-secondary", href: `/lessons/${next.id}`, rel: "next" }, `Next: ${next.title}`) : null),
    done));
}

draw();
