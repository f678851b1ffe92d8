"""The pages: each is the same small HTML document (``templates/page.html``) naming the script that
draws it from the APIs (``static/js/<script>.js``). Nothing from a user is put into the HTML here: the
scripts set it as text (``static/js/dom.js``)."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)

# path -> (script, title). Ids in paths are read by the scripts from location.pathname.
PAGES = {
    "/": ("search", "Find a course"),
    "/courses/{course_id}": ("course", "Course"),
    "/lessons/{lesson_id}": ("lesson", "Lesson"),
    "/login": ("login", "Log in"),
    "/register": ("register", "Create an account"),
    "/me/courses": ("my_courses", "My courses"),
    "/notifications": ("notifications", "Notifications"),
    "/catalog": ("catalog", "Catalog"),
    "/teach": ("teach", "Your courses"),
    "/teach/courses/new": ("editor", "New course"),
    "/teach/courses/{course_id}": ("editor", "Course editor"),
    "/admin/teachers": ("admin_teachers", "Teachers"),
    "/ops/projections": ("projections", "Projections"),
}


def _page(script: str, title: str):
    async def page(request: Request) -> HTMLResponse:
        return TEMPLATES.TemplateResponse(request, "page.html", {"script": script, "title": title},
                                          headers={"cache-control": "no-cache"})  # fmt: skip

    page.__name__ = f"page_{script}_{title.lower().replace(' ', '_')}"
    return page


for path, (script, title) in PAGES.items():
    router.add_api_route(path, _page(script, title), methods=["GET"], response_class=HTMLResponse)
