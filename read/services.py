"""What the routes need, built once per process at start-up (``read.app``) and kept on the app."""

from anyio import CapacityLimiter
from fastapi import Request

from read.caching import public
from read.freshness import ChangeFeed
from read.settings import ReadSettings
from read.store import ReadModel
from search import SearchEngine


class Services:
    def __init__(self, settings: ReadSettings, model: ReadModel, feed: ChangeFeed, engine: SearchEngine) -> None:
        self.settings = settings
        self.model = model
        self.feed = feed
        self.engine = engine
        self.search_slots = CapacityLimiter(settings.read_search_threads)  # searches run on threads
        self.max_age = public(settings.read_max_age_seconds)
        self.search_max_age = f"public, max-age={settings.read_max_age_seconds}"  # answers with no ETag


def services(request: Request) -> Services:
    # Read off the app, not through Depends: FastAPI's dependency solving is a measurable share of a card's CPU.
    return request.app.state.services
