// A course as a result or catalog entry: its card from the read API, the search highlight when it has one.
import { h, highlighted, minutes, price, stars } from "./dom.js";

export function courseCard(card) {
  const light = card.highlight || {};
  return h("li", { class: "hit" },
    h("article", {},
      h("h2", { class: "hit-title" }, h("a", { href: `/courses/${card.id}` }, highlighted(light.title ?? escapeText(card.title)))),
      h("p", { class: "hit-summary" }, highlighted(light.summary ?? escapeText(card.summary))),
      h("p", { class: "hit-meta" },
        h("span", {}, card.teacher.name), h("span", {}, card.category.name), h("span", { class: "level" }, card.level),
        h("span", {}, stars(card.rating_avg, card.review_count)),
        h("span", {}, `${card.lesson_count} lessons · ${minutes(card.duration_minutes)}`),
        h("strong", { class: "price" }, price(card)))));
}

// A card without a highlight is plain text: escaped, so that `highlighted` gives it back unchanged.
function escapeText(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
