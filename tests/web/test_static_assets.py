"""Every asset is served by Meltemi itself: no CDN, no external URL in a page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_assets_local(client: TestClient) -> None:
    """The stylesheet and script are served, and pages reference only local assets."""
    page = client.get("/ui/executions")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert all(s.startswith(("/", "#")) for s in sources), sources
    for asset in ("/ui/static/meltemi.css", "/ui/static/live.js", "/ui/static/favicon.svg"):
        assert client.get(asset).status_code == 200
