// The course page: its card, curriculum and reviews from the read API, and the action that fits the
// visitor (log in, enroll for free, pay then enroll, continue learning).
import { ApiError, command, read } from "./api.js";
import { h, main, minutes, price, replace, stars, status } from "./dom.js";
import { drawNav } from "./nav.js";

const courseId = location.pathname.split("/")[2];
const actionBox = h("div", { class: "course-action", id: "course-action" });
const reviewsList = h("ul", { class: "reviews", id: "reviews" });
const reviewBox = h("div", { id: "review-box" });

function reviewItem(review) {
  return h("li", { class: "review" },
    h("p", { class: "review-head" }, h("strong", {}, "★".repeat(review.rating) + "☆".repeat(5 - review.rating)), " ", review.author_name, " · ",
      h("time", { datetime: review.created_at }, new Date(review.created_at).toLocaleDateString())),
    h("p", { class: "review-text" }, review.text));
}

// Enrolled students review the course; the new review shows at once (the list itself is a projection).
function reviewForm(user) {
  const rating = h("select", { id: "review-rating", name: "rating" }, [5, 4, 3, 2, 1].map((n) => h("option", { value: n }, `${n} ★`)));
  const text = h("textarea", { id: "review-text", name: "text", rows: 3, maxlength: 5000, required: true });
  const form = h("form", { class: "review-form", "aria-labelledby": "review-title" },
    h("h3", { id: "review-title" }, "Review this course"),
    h("div", { class: "field" }, h("label", { for: "review-rating" }, "Rating"), rating),
    h("div", { class: "field" }, h("label", { for: "review-text" }, "What did you think?"), text),
    h("button", { type: "submit", class: "button" }, "Post review"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const posted = await command("POST", `/courses/${courseId}/reviews`, { rating: Number(rating.value), text: text.value });
      reviewsList.querySelector(".no-reviews")?.remove();
      reviewsList.prepend(reviewItem({ ...posted, author_name: user.name }));
      replace(reviewBox, status("Thank you: your review is posted."));
    } catch (error) {
      replace(reviewBox, status(error.status === 409 ? "You have already reviewed this course." : error.message, error.status === 409 ? "info" : "error"));
    }
  });
  return form;
}

function firstLesson(curriculum) {
  for (const module of curriculum.modules) if (module.lessons.length) return module.lessons[0];
  return null;
}

async function drawAction(card, curriculum, user) {
  const first = firstLesson(curriculum);
  const start = first ? `/lessons/${first.id}` : null;
  if (!user) {
    const here = encodeURIComponent(location.pathname);
    replace(actionBox, h("a", { class: "button", href: `/login?next=${here}` }, card.is_free ? "Log in to enroll for free" : `Log in to buy for ${price(card)}`));
    return;
  }
  if (user.role !== "student") {
    replace(actionBox, h("p", {}, "Students enroll in courses; you are signed in as a " + user.role + "."));
    return;
  }
  const mine = (await command("GET", "/me/enrollments")).items.find((item) => item.course_id === courseId);
  if (mine) {
    replace(actionBox,
      h("p", { class: "progress-line" }, `Your progress: ${mine.progress_percent}% (${mine.completed_lessons} of ${mine.total_lessons} lessons)`),
      h("progress", { max: 100, value: mine.progress_percent, "aria-label": "Course progress" }),
      start ? h("a", { class: "button", href: start }, mine.completed_lessons ? "Continue learning" : "Start learning") : null);
    reviewBox.replaceChildren(reviewForm(user));
    return;
  }
  const button = h("button", { type: "button", class: "button" }, card.is_free ? "Enroll for free" : `Buy for ${price(card)}`);
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      let paymentId;
      if (!card.is_free) {
        const key = crypto.randomUUID();
        paymentId = (await command("POST", "/payments", { course_id: courseId, idempotency_key: key })).id;
      }
      await command("POST", "/enrollments", paymentId ? { course_id: courseId, payment_id: paymentId } : { course_id: courseId });
      await drawAction(card, curriculum, user);
    } catch (error) {
      button.disabled = false;
      actionBox.append(status(error.message, "error"));
    }
  });
  replace(actionBox, button);
}

function drawCurriculum(curriculum) {
  return h("section", { class: "curriculum", "aria-labelledby": "curriculum-title" },
    h("h2", { id: "curriculum-title" }, "Curriculum"),
    h("ol", { class: "modules" }, curriculum.modules.map((module) =>
      h("li", { class: "module" }, h("h3", {}, module.title),
        h("ol", { class: "lessons" }, module.lessons.map((lesson) =>
          h("li", { class: "lesson" },
            h("a", { href: `/lessons/${lesson.id}` }, lesson.title),
            h("span", { class: "lesson-meta" }, minutes(lesson.duration_minutes), lesson.is_preview ? " · free preview" : ""))))))));
}

let reviewsCursor = null;
const moreReviews = h("button", { type: "button", class: "link-button", hidden: true }, "More reviews");

async function drawReviews() {
  const found = await read(`/courses/${courseId}/reviews`, { cursor: reviewsCursor });
  if (!found.items.length && !reviewsCursor) reviewsList.append(h("li", { class: "no-reviews" }, "No reviews yet."));
  for (const review of found.items) reviewsList.append(reviewItem(review));
  reviewsCursor = found.next_cursor;
  moreReviews.hidden = !reviewsCursor;
}
moreReviews.addEventListener("click", drawReviews);

async function draw() {
  const user = await drawNav();
  let card, curriculum;
  try {
    [card, curriculum] = await Promise.all([read(`/courses/${courseId}`), read(`/courses/${courseId}/curriculum`)]);
  } catch (error) {
    const missing = error instanceof ApiError && error.status === 404;
    replace(main(), h("h1", {}, missing ? "Course not found" : "The course could not be loaded"), status(missing ? "It may have been unpublished." : error.message, "error"));
    return;
  }
  document.title = `${card.title} · EduPlatform`;
  replace(main(),
    h("article", { class: "course" },
      h("p", { class: "crumbs" }, h("a", { href: `/catalog?category=${encodeURIComponent(card.category.slug)}` }, card.category.name)),
      h("h1", {}, card.title),
      h("p", { class: "course-summary" }, card.summary),
      h("p", { class: "hit-meta" },
        h("span", {}, `By ${card.teacher.name}`), h("span", { class: "level" }, card.level), h("span", {}, stars(card.rating_avg, card.review_count)),
        h("span", {}, `${card.enrollment_count.toLocaleString()} students`), h("span", {}, `${card.lesson_count} lessons · ${minutes(card.duration_minutes)}`),
        h("strong", { class: "price" }, price(card))),
      actionBox,
      drawCurriculum(curriculum),
      h("section", { class: "reviews-section", "aria-labelledby": "reviews-title" }, h("h2", { id: "reviews-title" }, "Recent reviews"), reviewBox, reviewsList, moreReviews)));
  await Promise.all([drawAction(card, curriculum, user), drawReviews()]);
}

draw();
