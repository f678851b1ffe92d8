"""Debian's Chromium driven by Playwright, for the browser tests and the browser benchmark (Playwright's own
browser download is not reachable everywhere; `make test` installs Debian's package)."""

import os
import shutil
from pathlib import Path

from playwright.sync_api import Browser, Playwright

CHROMIUM = os.environ.get("EDU_TEST_CHROMIUM", "/usr/bin/chromium")
# As root (CI, containers) Chromium's sandbox cannot start. The background services it calls home with are
# turned off: on a closed network they fail, many at a time, and they would only add noise to timings.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


class NoChromium(RuntimeError):
    pass


def launch_chromium(playwright: Playwright, path: str = CHROMIUM) -> Browser:
    if not Path(path).exists() and not shutil.which(path):
        raise NoChromium(f"No Chromium at {path}: `make test` installs Debian's (apt-get install chromium), "
                         "or point EDU_TEST_CHROMIUM at one.")  # fmt: skip
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
