// The header's account links, from who is signed in.
import { currentUser, sessionPost } from "./api.js";
import { h, replace } from "./dom.js";

export async function drawNav() {
  const nav = document.getElementById("site-nav");
  const user = await currentUser().catch(() => null);
  const here = encodeURIComponent(location.pathname + location.search);
  if (!user) {
    replace(nav, h("a", { href: `/login?next=${here}` }, "Log in"), h("a", { href: `/register?next=${here}` }, "Sign up"));
    return null;
  }
  const links = [];
  if (user.role === "student") links.push(h("a", { href: "/me/courses" }, "My courses"));
  links.push(h("a", { href: "/notifications" }, "Notifications"));
  const logout = h("button", { type: "button", class: "link-button" }, "Log out");
  logout.addEventListener("click", async () => {
    await sessionPost("/logout");
    location.assign("/");
  });
  replace(nav, ...links, h("span", { class: "who" }, user.name), logout);
  return user;
}
