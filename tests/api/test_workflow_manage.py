"""Reading, updating and deleting workflows."""

from __future__ import annotations

import textwrap

import pytest
from fastapi.testclient import TestClient

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""

TEXT = {"content-type": "text/plain", "accept": "*/*"}
WF = "version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: std.noop\n"
WF2 = "version: '2.0'\nwf:\n  input: [x]\n  tasks:\n    t2:\n      action: std.noop\n"


def _create(client: TestClient, text: str = WF) -> dict[str, object]:
    got = client.post("/v2/workflows", content=text, headers=TEXT)
    assert got.status_code == 201
    return dict(got.json()["workflows"][0])


def test_get_by_name_and_by_id(client: TestClient) -> None:
    """A workflow is found by its name and by its id."""
    made = _create(client)
    assert client.get("/v2/workflows/wf").json()["id"] == made["id"]
    assert client.get(f"/v2/workflows/{made['id']}").json()["name"] == "wf"


def test_get_with_fields_returns_only_them_and_id(client: TestClient) -> None:
    """fields=name gives id and name only."""
    made = _create(client)
    got = client.get("/v2/workflows/wf", params={"fields": "name"})
    assert got.json() == {"id": made["id"], "name": "wf"}


@SQLITE_ONLY
def test_unknown_field_is_400(client: TestClient) -> None:
    """Asking for a field the resource does not have answers 400 naming it."""
    _create(client)
    got = client.get("/v2/workflows/wf", params={"fields": "bogus"})
    assert got.status_code == 400
    assert "bogus" in got.json()["faultstring"]


def test_missing_workflow_is_404(client: TestClient) -> None:
    """An unknown name answers 404 with Mistral's fault body."""
    got = client.get("/v2/workflows/nope")
    assert got.status_code == 404
    assert got.json()["faultcode"] == "Client"
    assert got.json()["debuginfo"] is None


def test_put_replaces_the_definition(client: TestClient) -> None:
    """PUT with the same name replaces the text and the input signature."""
    made = _create(client)
    got = client.put("/v2/workflows", content=WF2, headers=TEXT)
    assert got.status_code == 200
    [wf] = got.json()["workflows"]
    assert wf["id"] == made["id"]
    assert wf["input"] == "x"
    assert client.get("/v2/workflows/wf").json()["definition"] == WF2


@SQLITE_ONLY
def test_put_by_id_answers_the_single_workflow(client: TestClient) -> None:
    """PUT /v2/workflows/{id} answers the workflow itself, not a list."""
    made = _create(client)
    got = client.put(f"/v2/workflows/{made['id']}", content=WF2, headers=TEXT)
    assert got.status_code == 200
    assert got.json()["id"] == made["id"]


def test_put_of_unknown_workflow_is_404(client: TestClient) -> None:
    """Updating a workflow that does not exist answers 404."""
    got = client.put("/v2/workflows", content=WF, headers=TEXT)
    assert got.status_code == 404


@SQLITE_ONLY
def test_put_with_id_refuses_several_workflows(client: TestClient) -> None:
    """An update by id takes a text holding a single workflow."""
    made = _create(client)
    two = textwrap.dedent(
        """\
        version: '2.0'
        wf:
          tasks: {t: {action: std.noop}}
        other:
          tasks: {t: {action: std.noop}}
        """
    )
    got = client.put(f"/v2/workflows/{made['id']}", content=two, headers=TEXT)
    assert got.status_code == 400


def test_delete_then_get_is_404(client: TestClient) -> None:
    """DELETE answers 204; the workflow is gone afterwards; deleting again is 404."""
    _create(client)
    assert client.delete("/v2/workflows/wf").status_code == 204
    assert client.get("/v2/workflows/wf").status_code == 404
    assert client.delete("/v2/workflows/wf").status_code == 404


@SQLITE_ONLY
def test_get_in_namespace(client: TestClient) -> None:
    """A workflow in a namespace is found with ?namespace=."""
    got = client.post("/v2/workflows", content=WF, headers=TEXT, params={"namespace": "ns"})
    assert got.status_code == 201
    assert client.get("/v2/workflows/wf", params={"namespace": "ns"}).json()["namespace"] == "ns"
