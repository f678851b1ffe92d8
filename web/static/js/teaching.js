// What teachers' pages share: who may author, and why not.
import { h, status } from "./dom.js";

// Null when `user` may author courses; otherwise what to show instead, saying why.
export function authoringBlocked(user, here) {
  if (!user) {
    return [status("Log in with a teacher account to author courses."),
      h("a", { class: "button", href: `/login?next=${encodeURIComponent(here)}` }, "Log in")];
  }
  if (user.role !== "teacher") {
    return [status(`Courses are authored by teachers; you are signed in as ${user.role === "admin" ? "an admin" : "a student"}.`)];
  }
  if (!user.is_verified) {
    return [h("div", { class: "notice notice-warning", role: "status", id: "unverified" },
      h("h2", {}, "Your teacher account is waiting for verification"),
      h("p", {}, "An admin checks every new teacher before they can publish on EduPlatform. Once your account is verified you can create courses here; you will get a notification."))];
  }
  return null;
}
