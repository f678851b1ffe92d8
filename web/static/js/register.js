import { sessionPost } from "./api.js";
import { h, main, replace } from "./dom.js";
import { accountForm, field, nextPath } from "./forms.js";
import { drawNav } from "./nav.js";

function role(value, label, checked) {
  const id = `role-${value}`;
  return h("div", { class: "facet-option" }, h("input", { type: "radio", name: "role", id, value, checked }), h("label", { for: id }, label));
}

drawNav();
replace(main(), accountForm("Create an account", [
  field("Name", { name: "name", autocomplete: "name", required: true, autofocus: true }),
  field("Email", { name: "email", type: "email", autocomplete: "email", required: true }),
  field("Password (at least 10 characters)", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 10 }),
  h("fieldset", { class: "facet" }, h("legend", {}, "I want to"), role("student", "Learn", true), role("teacher", "Teach (an admin verifies teachers first)", false)),
], "Create account", (data) => sessionPost("/register", {
  name: data.get("name"), email: data.get("email"), password: data.get("password"), role: data.get("role"),
}), h("p", {}, "Have an account? ", h("a", { href: `/login?next=${encodeURIComponent(nextPath())}` }, "Log in"))));
