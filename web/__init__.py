"""The web UI on :8000: pages and a little JavaScript over the two APIs (docs/adr/0013-web-ui.md)."""
