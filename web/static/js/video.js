// Lesson videos: embedded only from hosts the Content-Security-Policy frames (web/security.py), through
// their privacy-preserving players; any other link is shown as a link.
import { h } from "./dom.js";

export function embedUrl(address) {
  let url;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  if (url.protocol !== "https:") return null;
  const host = url.hostname.replace(/^www\./, "");
  let id = null;
  if (host === "youtube.com" || host === "m.youtube.com") id = url.searchParams.get("v");
  if (host === "youtu.be") id = url.pathname.slice(1);
  if (id && /^[\w-]{6,20}$/.test(id)) return `https://www.youtube-nocookie.com/embed/${id}`;
  if (host === "vimeo.com" && /^\/\d+$/.test(url.pathname)) return `https://player.vimeo.com/video${url.pathname}`;
  return null;
}

export function video(address, title) {
  const embed = embedUrl(address);
  if (embed) {
    return h("div", { class: "video" }, h("iframe", { src: embed, title: `Video: ${title}`, allow: "fullscreen; picture-in-picture", referrerpolicy: "strict-origin", loading: "lazy" }));
  }
  return h("p", { class: "video-link" }, h("a", { href: address, rel: "noopener noreferrer nofollow", target: "_blank" }, "Watch the lesson's video"), " (opens its own site)");
}
