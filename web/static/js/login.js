import { sessionPost } from "./api.js";
import { h, main, replace } from "./dom.js";
import { accountForm, field, nextPath } from "./forms.js";
import { drawNav } from "./nav.js";

drawNav();
replace(main(), accountForm("Log in", [
  field("Email", { name: "email", type: "email", autocomplete: "username", required: true, autofocus: true }),
  field("Password", { name: "password", type: "password", autocomplete: "current-password", required: true }),
], "Log in", (data) => sessionPost("/login", { email: data.get("email"), password: data.get("password") }),
h("p", {}, "New here? ", h("a", { href: `/register?next=${encodeURIComponent(nextPath())}` }, "Create an account"))));
