// The header's account links, from who is signed in.
import { currentUser, sessionPost } from "./api.js";
import { h, replace } from "./dom.js";

const ROLE_LINKS = {
  student: [["/me/courses", "My courses"]],
  teacher: [["/teach", "Teach"]],
  admin: [["/admin/teachers", "Teachers"], ["/ops/projections", "Projections"]],
};

export async function drawNav() {
  const nav = document.getElementById("site-nav");
  const user = await currentUser().catch(() => null);
  const here = encodeURIComponent(location.pathname + location.search);
  const catalog = h("a", { href: "/catalog" }, "Catalog");
  if (!user) {
    replace(nav, catalog, h("a", { href: `/login?next=${here}` }, "Log in"), h("a", { href: `/register?next=${here}` }, "Sign up"));
    return null;
  }
  const links = [catalog, ...(ROLE_LINKS[user.role] || []).map(([href, label]) => h("a", { href }, label))];
  links.push(h("a", { href: "/notifications" }, "Notifications"));
  for (const link of links) if (link.getAttribute("href") === location.pathname) link.setAttribute("aria-current", "page");
  const logout = h("button", { type: "button", class: "link-button" }, "Log out");
  logout.addEventListener("click", async () => {
    await sessionPost("/logout");
    location.assign("/");
  });
  replace(nav, ...links, h("span", { class: "who" }, user.name), logout);
  return user;
}
