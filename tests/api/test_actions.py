"""Actions: registered ones listed with ad-hoc definitions, and ad-hoc CRUD."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""

TEXT = {"content-type": "text/plain", "accept": "*/*"}
ADHOC = "version: '2.0'\nmy_echo:\n  input: [word]\n  base: std.echo\n  base-input:\n    output: <% $.word %>\n"


@SQLITE_ONLY
def test_std_actions_are_listed(client: TestClient) -> None:
    """std.echo appears with its input signature, as a system action."""
    listed = client.get("/v2/actions").json()["actions"]
    echo = next(a for a in listed if a["name"] == "std.echo")
    assert echo["is_system"] is True
    assert "output" in echo["input"]


def test_create_get_and_delete_adhoc_action(client: TestClient) -> None:
    """An ad-hoc action is created (201), read, listed and deleted."""
    got = client.post("/v2/actions", content=ADHOC, headers=TEXT)
    assert got.status_code == 201
    [made] = got.json()["actions"]
    assert made["name"] == "my_echo"
    assert made["input"] == "word"
    assert made["is_system"] is False
    assert client.get("/v2/actions/my_echo").json()["id"] == made["id"]
    assert client.get("/v2/actions/my_echo/").status_code == 200
    names = [a["name"] for a in client.get("/v2/actions").json()["actions"]]
    assert "my_echo" in names
    assert client.delete("/v2/actions/my_echo").status_code == 204
    assert client.get("/v2/actions/my_echo").status_code == 404


@SQLITE_ONLY
def test_system_action_cannot_be_deleted(client: TestClient) -> None:
    """Deleting std.echo answers 400."""
    got = client.delete("/v2/actions/std.echo")
    assert got.status_code == 400
    assert "system action" in got.json()["faultstring"]


def test_duplicate_adhoc_action_is_a_conflict(client: TestClient) -> None:
    """The same ad-hoc action twice answers 409."""
    assert client.post("/v2/actions", content=ADHOC, headers=TEXT).status_code == 201
    assert client.post("/v2/actions", content=ADHOC, headers=TEXT).status_code == 409


@SQLITE_ONLY
def test_update_adhoc_action(client: TestClient) -> None:
    """PUT replaces an ad-hoc action's definition."""
    assert client.post("/v2/actions", content=ADHOC, headers=TEXT).status_code == 201
    changed = ADHOC.replace("[word]", "[word, extra]")
    got = client.put("/v2/actions", content=changed, headers=TEXT)
    assert got.status_code == 200
    assert got.json()["actions"][0]["input"] == "word, extra"


@SQLITE_ONLY
def test_list_pages_by_name(client: TestClient) -> None:
    """Actions page by name: following next links gives every action once, sorted."""
    everything = [a["name"] for a in client.get("/v2/actions").json()["actions"]]
    seen: list[str] = []
    url: str | None = "/v2/actions?limit=3"
    while url:
        body = client.get(url).json()
        seen += [a["name"] for a in body["actions"]]
        url = body.get("next")
    assert seen == everything == sorted(everything)


@SQLITE_ONLY
def test_list_filters_by_name_prefix_operator(client: TestClient) -> None:
    """Filters with operators apply to the merged list (in:)."""
    got = client.get("/v2/actions", params={"name": "in:std.echo,std.noop"}).json()
    assert sorted(a["name"] for a in got["actions"]) == ["std.echo", "std.noop"]
