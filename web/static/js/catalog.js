// Browsing the catalog: the categories with their course counts, one category's (or every) published
// course by level and sort, more as you scroll. The state lives in the URL like the search page's.
import { read } from "./api.js";
import { courseCard } from "./cards.js";
import { h, main, replace, status } from "./dom.js";
import { drawNav } from "./nav.js";

const SORTS = [
  ["popular", "Most popular"],
  ["rating", "Highest rated"],
  ["newest", "Newest"],
  ["price_asc", "Price: low to high"],
  ["price_desc", "Price: high to low"],
];
const LEVELS = [["", "Any level"], ["beginner", "Beginner"], ["intermediate", "Intermediate"], ["advanced", "Advanced"]];
const PAGE_SIZE = 24;

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  return { category: params.get("category") || "", level: params.get("level") || "", sort: params.get("sort") || "popular" };
}

let state = stateFromUrl();
let cursor = null;
let loading = false;
let generation = 0; // answers for an earlier choice of filters are dropped

const categoriesList = h("ul", { class: "category-list", id: "categories" });
const heading = h("h1", { id: "catalog-title" }, "All courses");
const levelSelect = h("select", { id: "level", name: "level" }, LEVELS.map(([value, label]) => h("option", { value }, label)));
const sortSelect = h("select", { id: "catalog-sort", name: "sort" }, SORTS.map(([value, label]) => h("option", { value }, label)));
const list = h("ol", { class: "results", id: "catalog-results", "aria-labelledby": "catalog-title" });
const more = h("button", { type: "button", class: "button button-secondary", hidden: true }, "Show more courses");
const categoryNames = new Map();

function urlOf(next) {
  const params = new URLSearchParams();
  if (next.category) params.set("category", next.category);
  if (next.level) params.set("level", next.level);
  if (next.sort !== "popular") params.set("sort", next.sort);
  const text = params.toString();
  return text ? `/catalog?${text}` : "/catalog";
}

function change(next) {
  state = { ...state, ...next };
  history.pushState({}, "", urlOf(state));
  drawCategories();
  restart();
}

function drawCategories(categories) {
  if (categories) for (const category of categories) categoryNames.set(category.slug, category);
  const link = (slug, label, count) => {
    const current = state.category === slug;
    const a = h("a", { href: urlOf({ ...state, category: slug }), "aria-current": current ? "page" : false }, label, count === null ? "" : " ", count === null ? "" : h("span", { class: "count" }, count.toLocaleString()));
    a.addEventListener("click", (event) => { event.preventDefault(); change({ category: slug }); });
    return h("li", {}, a);
  };
  replace(categoriesList, link("", "All categories", null),
    [...categoryNames.values()].map((category) => link(category.slug, category.name, category.course_count)));
  const chosen = categoryNames.get(state.category);
  replace(heading, chosen ? chosen.name : "All courses");
  document.title = `${chosen ? chosen.name : "Catalog"} · EduPlatform`;
  levelSelect.value = state.level;
  sortSelect.value = state.sort;
}

async function loadMore() {
  if (loading) return;
  loading = true;
  const mine = generation;
  more.disabled = true;
  try {
    const found = await read("/catalog", { category: state.category, level: state.level, sort: state.sort, limit: PAGE_SIZE, cursor });
    if (mine !== generation) return;
    if (!cursor && !found.items.length) list.append(h("li", { class: "empty" }, h("h2", {}, "No published courses here yet"), h("p", {}, h("a", { href: "/" }, "Search every course"))));
    for (const card of found.items) list.append(courseCard(card));
    cursor = found.next_cursor;
    more.hidden = !cursor;
  } catch (error) {
    if (mine === generation) list.append(h("li", {}, status(error.message, "error")));
  } finally {
    if (mine === generation) {
      loading = false;
      more.disabled = false;
    }
  }
}

function restart() {
  generation += 1;
  loading = false;
  cursor = null;
  list.replaceChildren();
  more.hidden = true;
  loadMore();
}

levelSelect.addEventListener("change", () => change({ level: levelSelect.value }));
sortSelect.addEventListener("change", () => change({ sort: sortSelect.value }));
more.addEventListener("click", loadMore);
// Infinite scroll: the button loads the next page by itself when it scrolls into view (and stays there
// for keyboard users and for browsers without IntersectionObserver).
if ("IntersectionObserver" in window) {
  new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting) && !more.hidden) loadMore(); }, { rootMargin: "400px" }).observe(more);
}
window.addEventListener("popstate", () => { state = stateFromUrl(); drawCategories(); restart(); });

replace(main(), h("div", { class: "search-layout" },
  h("nav", { class: "refinements", "aria-label": "Categories" }, h("h2", { class: "facet-title" }, "Categories"), categoriesList),
  h("section", {},
    h("div", { class: "results-bar" }, heading, h("div", { class: "controls" },
      h("label", { for: "level" }, "Level ", levelSelect), h("label", { for: "catalog-sort" }, "Sort by ", sortSelect))),
    list, more)));
drawNav();
drawCategories();
read("/categories").then((found) => drawCategories(found.items)).catch(() => {});
loadMore();
