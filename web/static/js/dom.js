// Building the page from data without ever parsing it as HTML: every string becomes a text node.
// The one exception, sanitised lesson HTML, is set in lesson.js and nowhere else.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

const ENTITIES = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'", "&amp;": "&" };

function unescape(text) {
  return text.replace(/&(lt|gt|quot|amp|#x27|#39);/g, (entity) => ENTITIES[entity]);
}

// The read API's highlight is HTML-escaped text with <mark>…</mark> around matches: split on exactly those
// two tags and unescape the rest into text nodes, so nothing else in it can ever become markup.
export function highlighted(escaped) {
  const nodes = [];
  let marked = false;
  for (const part of String(escaped).split(/(<mark>|<\/mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) nodes.push(marked ? h("mark", {}, unescape(part)) : unescape(part));
  }
  return nodes;
}

export function price(card) {
  if (card.is_free) return "Free";
  return new Intl.NumberFormat(undefined, { style: "currency", currency: card.currency || "USD" }).format(
    Number(card.price),
  );
}

export function stars(rating, count) {
  if (!count) return "No ratings yet";
  return `★ ${Number(rating).toFixed(1)} (${count.toLocaleString()} rating${count === 1 ? "" : "s"})`;
}

export function minutes(total) {
  const hours = Math.floor(total / 60);
  return hours ? `${hours} h ${total % 60} min` : `${total} min`;
}

export function status(message, kind = "info") {
  return h("p", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, message);
}

// A table of records: `body` is its <tbody> (a page that adds rows later keeps hold of it).
export function dataTable(id, headings, body) {
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table", id },
    h("thead", {}, h("tr", {}, headings.map((label) => h("th", { scope: "col" }, label)))), body));
}

export function main() {
  return document.getElementById("main");
}
