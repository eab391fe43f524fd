"""The executions list: filtered by state, paged newest first with older/newer links."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from meltemi.store.db import Database
from meltemi.web import views

from .conftest import seed_execution


def _ids(html: str) -> list[str]:
    return re.findall(r'data-execution="([^"]+)"', html)


def test_filter_and_pages(client: TestClient, db: Database) -> None:
    """Thirty errors fill a first page and part of a second; SUCCESS rows are filtered out."""
    errors = [seed_execution(db, state="ERROR") for _ in range(views.PAGE_SIZE + 5)]
    seed_execution(db, state="SUCCESS")
    first = client.get("/ui/executions", params={"state": "ERROR"})
    assert first.status_code == 200
    shown = _ids(first.text)
    assert len(shown) == views.PAGE_SIZE
    older = re.search(r'href="([^"]*after=[^"]+)"', first.text)
    assert older is not None
    second = client.get(older.group(1).replace("&amp;", "&"))
    rest = _ids(second.text)
    assert sorted(shown + rest) == sorted(errors)
    assert "before=" in second.text
