"""Workbooks: stored with their workflows and actions, which go with them."""

from __future__ import annotations

import textwrap

import pytest
from fastapi.testclient import TestClient

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""

TEXT = {"content-type": "text/plain", "accept": "*/*"}
WB = textwrap.dedent(
    """\
    version: '2.0'
    name: wb
    tags: [demo]
    actions:
      greet:
        base: std.echo
        base-input:
          output: hi
    workflows:
      main:
        tasks:
          t1:
            action: greet
    """
)


def _create(client: TestClient, text: str = WB) -> dict[str, object]:
    got = client.post("/v2/workbooks", content=text, headers=TEXT)
    assert got.status_code == 201, got.text
    return dict(got.json())


def test_create_answers_the_workbook(client: TestClient) -> None:
    """POST answers 201 with the workbook resource itself."""
    made = _create(client)
    assert made["name"] == "wb"
    assert made["tags"] == ["demo"]
    assert made["definition"] == WB


def test_members_are_listed_under_qualified_names(client: TestClient) -> None:
    """The workbook's workflow and action are stored as wb.main and wb.greet."""
    _create(client)
    assert client.get("/v2/workflows/wb.main").status_code == 200
    got = client.get("/v2/actions/wb.greet")
    assert got.status_code == 200
    assert got.json()["is_system"] is False


@SQLITE_ONLY
def test_same_name_twice_is_a_conflict(client: TestClient) -> None:
    """A workbook name is unique in its namespace."""
    _create(client)
    assert client.post("/v2/workbooks", content=WB, headers=TEXT).status_code == 409


def test_delete_takes_members_along(client: TestClient) -> None:
    """Deleting the workbook deletes its workflows and actions."""
    _create(client)
    assert client.delete("/v2/workbooks/wb").status_code == 204
    assert client.get("/v2/workbooks/wb").status_code == 404
    assert client.get("/v2/workflows/wb.main").status_code == 404
    assert client.get("/v2/actions/wb.greet").status_code == 404


def test_update_replaces_members(client: TestClient) -> None:
    """PUT replaces the text; a workflow removed from it is gone."""
    _create(client)
    renamed = WB.replace("main:", "other:")
    got = client.put("/v2/workbooks", content=renamed, headers=TEXT)
    assert got.status_code == 200
    assert got.json()["definition"] == renamed
    assert client.get("/v2/workflows/wb.main").status_code == 404
    assert client.get("/v2/workflows/wb.other").status_code == 200


def test_list_and_get_with_fields(client: TestClient) -> None:
    """Workbooks are listed, and read with selected fields."""
    made = _create(client)
    listed = client.get("/v2/workbooks").json()["workbooks"]
    assert [w["name"] for w in listed] == ["wb"]
    got = client.get("/v2/workbooks/wb", params={"fields": "tags"}).json()
    assert got == {"id": made["id"], "tags": ["demo"]}


@SQLITE_ONLY
def test_invalid_workbook_is_400(client: TestClient) -> None:
    """A workbook without a name is rejected with 400."""
    got = client.post("/v2/workbooks", content="version: '2.0'\nworkflows: {}\n", headers=TEXT)
    assert got.status_code == 400
