"""The validate endpoints answer {"valid": ...} and never store anything."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""

TEXT = {"content-type": "text/plain"}
GOOD = {
    "workflows": "version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: std.noop\n",
    "workbooks": (
        "version: '2.0'\nname: wb\nworkflows:\n  wf:\n    tasks:\n"
        "      t1:\n        action: std.noop\n"
    ),
    "actions": "version: '2.0'\nmy_echo:\n  base: std.echo\n  base-input:\n    output: hi\n",
}


@pytest.mark.parametrize("resource", sorted(GOOD))
@SQLITE_ONLY
def test_valid_text_is_valid(client: TestClient, resource: str) -> None:
    """A valid text answers 200 {"valid": true} and creates nothing."""
    got = client.post(f"/v2/{resource}/validate", content=GOOD[resource], headers=TEXT)
    assert got.status_code == 200
    assert got.json() == {"valid": True}
    assert client.get(f"/v2/{resource}/wf").status_code == 404


@pytest.mark.parametrize("resource", sorted(GOOD))
@SQLITE_ONLY
def test_invalid_text_says_why(client: TestClient, resource: str) -> None:
    """An invalid text answers 200 {"valid": false, "error": ...}."""
    got = client.post(f"/v2/{resource}/validate", content="version: '1.0'\n", headers=TEXT)
    assert got.status_code == 200
    body = got.json()
    assert body["valid"] is False
    assert body["error"]
