// The account forms: labelled fields, the API's message next to the form, and on success back to where
// the visitor came from (only ever a path on this site).
import { h, status } from "./dom.js";

export function nextPath() {
  const next = new URLSearchParams(location.search).get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

// An API error for a person: its message, and for invalid input which field and why.
export function explain(error) {
  if (!Array.isArray(error.details)) return error.message;
  const problems = error.details.map((detail) => {
    const where = Array.isArray(detail.loc) ? detail.loc.filter((part) => part !== "body").join(".") : "";
    return [where, detail.msg || detail.message].filter(Boolean).join(": ");
  }).filter(Boolean);
  return problems.length ? `${error.message} ${problems.join("; ")}` : error.message;
}

export function field(label, attributes) {
  const id = `field-${attributes.name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label), h("input", { id, ...attributes }));
}

export function accountForm(title, fields, submitLabel, send, footer) {
  const message = h("div", { class: "form-message", "aria-live": "assertive" });
  const submit = h("button", { type: "submit", class: "button" }, submitLabel);
  const form = h("form", { class: "account-form", novalidate: false }, h("h1", {}, title), message, fields, submit, footer);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.replaceChildren();
    try {
      await send(new FormData(form));
      location.assign(nextPath());
    } catch (error) {
      message.append(status(explain(error), "error"));
      submit.disabled = false;
    }
  });
  return form;
}
