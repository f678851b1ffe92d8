// Instant search: results follow the keyboard (debounced), a newer answer is never overwritten by an older
// one, and the whole state lives in the URL (back, forward and shared links give the same page).
import { read } from "./api.js";
import { courseCard } from "./cards.js";
import { h, main, replace, status } from "./dom.js";
import { drawNav } from "./nav.js";

const PER_PAGE = 12;
const TYPING_DEBOUNCE_MS = 120;
const TYPING_MAX_WAIT_MS = 300; // while keys keep coming, a search still goes out at least this often
const LEVELS = ["beginner", "intermediate", "advanced"];
const SORTS = [
  ["relevance", "Most relevant"],
  ["rating", "Highest rated"],
  ["popular", "Most popular"],
  ["newest", "Newest"],
  ["price_asc", "Price: low to high"],
  ["price_desc", "Price: high to low"],
];
const RATINGS = [["", "Any rating"], ["4.5", "4.5 and up"], ["4", "4 and up"], ["3", "3 and up"]];

// Keystroke-to-rendered timings for the browser benchmark (loadtest/bench_web.py): every keystroke counts
// until results at least as new as it are on screen, so one whose own search was overtaken by a later key
// is measured too (none is left out). Times are performance.now() milliseconds.
window.__eduSearchTimings = [];
const unshownKeys = []; // {number, at} of keystrokes whose results are not drawn yet
let keystrokes = 0;

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  return {
    q: params.get("q") || "",
    category: params.getAll("category"),
    level: params.getAll("level"),
    price: params.get("price") || "",
    min_rating: params.get("min_rating") || "",
    sort: params.get("sort") || "relevance",
    page: Math.max(1, Number.parseInt(params.get("page") || "1", 10) || 1),
  };
}

function urlOf(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const slug of state.category) params.append("category", slug);
  for (const level of state.level) params.append("level", level);
  if (state.price) params.set("price", state.price);
  if (state.min_rating) params.set("min_rating", state.min_rating);
  if (state.sort !== "relevance") params.set("sort", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  const text = params.toString();
  return text ? `/?${text}` : "/";
}

function refined(state) {
  return Boolean(state.q || state.category.length || state.level.length || state.price || state.min_rating);
}

const categoryNames = new Map();
let state = stateFromUrl();
let sent = 0; // the number of the newest request; an answer to an older one is dropped
let inFlight = null;
let typingTimer = null;
let typingSince = null; // when the keys not yet searched for began

const input = h("input", {
  id: "search-input", type: "search", name: "q", autocomplete: "off", spellcheck: "false",
  placeholder: "Search courses, topics, teachers", "aria-controls": "results",
});
const summaryLine = h("p", { id: "results-summary", class: "results-summary", "aria-live": "polite" });
const clearAll = h("button", { type: "button", class: "clear-all" }, "Clear all");
const sortSelect = h("select", { id: "sort", name: "sort" }, SORTS.map(([value, label]) => h("option", { value }, label)));
const ratingSelect = h("select", { id: "min-rating", name: "min_rating" }, RATINGS.map(([value, label]) => h("option", { value }, label)));
const facetsBox = h("div", { class: "facets", id: "facets" });
const resultsList = h("ol", { id: "results", class: "results" });
const pager = h("nav", { class: "pager", "aria-label": "Result pages" });

function layout() {
  const form = h("form", { role: "search", class: "search-form", onsubmit: (event) => event.preventDefault() },
    h("label", { for: "search-input", class: "visually-hidden" }, "Search courses"), input);
  const controls = h("div", { class: "controls" },
    h("label", { for: "sort" }, "Sort by ", sortSelect), h("label", { for: "min-rating" }, "Rating ", ratingSelect), clearAll);
  replace(main(), h("h1", { class: "visually-hidden" }, "Find a course"), form,
    h("div", { class: "search-layout" },
      h("aside", { class: "refinements", "aria-label": "Refine results" }, facetsBox),
      h("section", { class: "search-results", "aria-labelledby": "results-summary" }, h("div", { class: "results-bar" }, summaryLine, controls), resultsList, pager)));
}

function syncControls() {
  if (document.activeElement !== input) input.value = state.q;
  sortSelect.value = state.sort;
  ratingSelect.value = state.min_rating;
  clearAll.hidden = !refined(state);
}

function change(next, { push = true, keystroke = 0 } = {}) {
  state = { ...state, ...next };
  const url = urlOf(state);
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"]({}, "", url);
  syncControls();
  search(keystroke);
}

// `keystroke`: the number of the last keystroke this search includes (0: not typed).
async function search(keystroke = 0) {
  const number = ++sent;
  inFlight?.abort();
  inFlight = new AbortController();
  const asked = { ...state };
  const sentAt = performance.now();
  const params = {
    q: asked.q, category: asked.category, level: asked.level, price: asked.price,
    min_rating: asked.min_rating, sort: asked.sort, page: asked.page, per_page: PER_PAGE,
  };
  resultsList.setAttribute("aria-busy", "true");
  try {
    const found = await read("/search", params, { signal: inFlight.signal });
    const answeredAt = performance.now();
    if (number !== sent) return; // a newer search was sent meanwhile: its answer is the one to show
    render(asked, found);
    if (keystroke) timeKeystrokes(keystroke, { search: number, query: asked.q }, sentAt, answeredAt);
  } catch (error) {
    if (error.name === "AbortError" || number !== sent) return;
    replace(resultsList, h("li", {}, status(error.message, "error")));
    replace(summaryLine, "");
  } finally {
    if (number === sent) resultsList.removeAttribute("aria-busy");
  }
}

function facetGroup(legend, name, counts, chosen, label) {
  const entries = Object.entries(counts || {});
  for (const value of chosen) if (!(value in (counts || {}))) entries.push([value, 0]);
  if (!entries.length) return null;
  return h("fieldset", { class: "facet" }, h("legend", {}, legend),
    entries.map(([value, count]) => {
      const id = `facet-${name}-${value}`;
      const box = h("input", { type: "checkbox", id, name, value, checked: chosen.includes(value) });
      box.addEventListener("change", () => {
        const now = box.checked ? [...state[name], value] : state[name].filter((one) => one !== value);
        change({ [name]: now, page: 1 });
      });
      return h("div", { class: "facet-option" }, box, h("label", { for: id }, label(value), " ", h("span", { class: "count" }, count.toLocaleString())));
    }));
}

function priceGroup(counts) {
  const options = [["", "Any price", null], ["free", "Free", counts?.free ?? 0], ["paid", "Paid", counts?.paid ?? 0]];
  return h("fieldset", { class: "facet" }, h("legend", {}, "Price"),
    options.map(([value, label, count]) => {
      const id = `facet-price-${value || "any"}`;
      const radio = h("input", { type: "radio", id, name: "price", value, checked: state.price === value });
      radio.addEventListener("change", () => change({ price: value, page: 1 }));
      return h("div", { class: "facet-option" }, radio, h("label", { for: id }, label, count === null ? "" : " ", count === null ? "" : h("span", { class: "count" }, count.toLocaleString())));
    }));
}

function pages(found) {
  const reachable = Math.min(found.total, found.max_reachable_hits ?? found.total);
  const last = Math.max(1, Math.ceil(reachable / found.per_page));
  if (last === 1) return [];
  const go = (page, label, attrs = {}) =>
    h("button", { type: "button", ...attrs, onclick: () => { change({ page }); window.scrollTo(0, 0); } }, label);
  const numbers = [];
  for (let page = Math.max(1, found.page - 2); page <= Math.min(last, found.page + 2); page++) {
    numbers.push(page === found.page ? h("span", { "aria-current": "page", class: "current" }, String(page)) : go(page, String(page), { "aria-label": `Page ${page}` }));
  }
  return [found.page > 1 ? go(found.page - 1, "Previous") : null, ...numbers, found.page < last ? go(found.page + 1, "Next") : null];
}

function emptyState(asked) {
  const tips = [];
  if (asked.q) tips.push(h("li", {}, "Check the spelling, or try a shorter or more general word."));
  if (refined({ ...asked, q: "" })) {
    tips.push(h("li", {}, h("button", { type: "button", class: "link-button", onclick: () => change({ category: [], level: [], price: "", min_rating: "", page: 1 }) }, "Remove the filters")));
  }
  return h("li", { class: "empty" }, h("h2", {}, asked.q ? `No courses match “${asked.q}”` : "No courses match these filters"), h("ul", {}, tips));
}

function render(asked, found) {
  const count = found.total_exact ? found.total.toLocaleString() : `${found.total.toLocaleString()}+`;
  const took = Number(found.took_ms).toFixed(found.took_ms < 10 ? 1 : 0);
  replace(summaryLine, `${count} result${found.total === 1 ? "" : "s"} in ${took} ms`);
  replace(resultsList, found.hits.length ? found.hits.map(courseCard) : emptyState(asked));
  // New counts redraw the refinements: a keyboard user on one of them stays on it.
  const focused = facetsBox.contains(document.activeElement) ? document.activeElement.id : null;
  replace(facetsBox,
    facetGroup("Category", "category", found.facets.category, asked.category, (slug) => categoryNames.get(slug) || slug),
    facetGroup("Level", "level", Object.fromEntries(LEVELS.filter((l) => l in (found.facets.level || {}) || asked.level.includes(l)).map((l) => [l, found.facets.level?.[l] ?? 0])), asked.level, (level) => level[0].toUpperCase() + level.slice(1)),
    priceGroup(found.facets.price));
  if (focused) document.getElementById(focused)?.focus();
  replace(pager, pages(found));
  main().dataset.renderedQuery = asked.q;
}

function timeKeystrokes(upTo, shown, sentAt, answeredAt) {
  requestAnimationFrame(() => {
    const drawnAt = performance.now(); // the frame that shows the results
    while (unshownKeys.length && unshownKeys[0].number <= upTo) {
      const key = unshownKeys.shift();
      window.__eduSearchTimings.push({ ...shown, ms: drawnAt - key.at, waited: sentAt - key.at, fetched: answeredAt - sentAt, drawn: drawnAt - answeredAt });
    }
  });
}

input.addEventListener("input", (event) => {
  unshownKeys.push({ number: ++keystrokes, at: event.timeStamp });
  clearTimeout(typingTimer);
  const value = input.value;
  const upTo = keystrokes;
  const now = performance.now();
  typingSince ??= now;
  const delay = Math.max(0, Math.min(TYPING_DEBOUNCE_MS, typingSince + TYPING_MAX_WAIT_MS - now));
  typingTimer = setTimeout(() => {
    typingSince = null;
    change({ q: value, page: 1 }, { push: false, keystroke: upTo });
  }, delay);
});
// Clearing the box wins over a search still waiting for the typing to pause.
function stopTyping() {
  clearTimeout(typingTimer);
  typingSince = null;
}

input.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && input.value) { stopTyping(); input.value = ""; change({ q: "", page: 1 }); }
});
sortSelect.addEventListener("change", () => change({ sort: sortSelect.value, page: 1 }));
ratingSelect.addEventListener("change", () => change({ min_rating: ratingSelect.value, page: 1 }));
clearAll.addEventListener("click", () => {
  stopTyping();
  input.value = "";
  change({ q: "", category: [], level: [], price: "", min_rating: "", sort: "relevance", page: 1 });
  input.focus();
});
window.addEventListener("popstate", () => {
  state = stateFromUrl();
  input.value = state.q;
  syncControls();
  search();
});

layout();
syncControls();
input.value = state.q;
drawNav();
read("/categories").then((found) => {
  for (const category of found.items) categoryNames.set(category.slug, category.name);
}).catch(() => {}).finally(search);
input.focus();
