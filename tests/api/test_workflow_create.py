"""Creating workflows from YAML text: 201 with Mistral's resource, 409, 400, 406."""

from __future__ import annotations

import json
import textwrap

import pytest
from fastapi.testclient import TestClient

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""

TEXT = {"content-type": "text/plain", "accept": "*/*"}
WF = textwrap.dedent(
    """\
    version: '2.0'
    wf:
      input:
        - name
        - greeting: hello
      output:
        text: <% $.name %>
      tasks:
        t1:
          action: std.echo output=<% $.name %>
    """
)
TWO = textwrap.dedent(
    """\
    version: '2.0'
    first:
      tasks:
        a:
          action: std.noop
    second:
      tags: [x]
      tasks:
        b:
          action: std.noop
    """
)


def test_create_answers_201_with_the_workflow_resource(client: TestClient) -> None:
    """A text/plain POST stores the workflow and shows its input and interface."""
    got = client.post("/v2/workflows", content=WF, headers=TEXT)
    assert got.status_code == 201
    [wf] = got.json()["workflows"]
    assert wf["name"] == "wf"
    assert wf["namespace"] == ""
    assert wf["scope"] == "private"
    assert wf["definition"] == WF
    assert wf["input"] == 'name, greeting="hello"'
    assert json.loads(wf["interface"]) == {
        "input": ["name", {"greeting": "hello"}],
        "output": ["text"],
    }
    assert len(wf["checksum"]) == 32
    assert wf["created_at"]


def test_several_workflows_each_get_their_own_text(client: TestClient) -> None:
    """A text with two workflows creates two, each holding only its own definition."""
    got = client.post("/v2/workflows", content=TWO, headers=TEXT, params={"namespace": "ns"})
    assert got.status_code == 201
    first, second = got.json()["workflows"]
    assert (first["name"], second["name"]) == ("first", "second")
    assert {first["namespace"], second["namespace"]} == {"ns"}
    assert "second" not in first["definition"]
    assert "b:" in second["definition"]
    assert second["tags"] == ["x"]


def test_existing_name_is_a_conflict(client: TestClient) -> None:
    """Creating a workflow whose name exists answers 409 saying which and what to do."""
    assert client.post("/v2/workflows", content=WF, headers=TEXT).status_code == 201
    got = client.post("/v2/workflows", content=WF, headers=TEXT)
    assert got.status_code == 409
    assert got.json()["faultstring"] == (
        "workflow_definitions [name='wf', namespace=''] already exists:"
        " update it, or delete it first"
    )


@SQLITE_ONLY
def test_invalid_definition_is_400_with_positions(client: TestClient) -> None:
    """An invalid text answers 400; the faultstring places each problem at line:col."""
    bad = "version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: std.noop\n      on-success: nowhere\n"
    got = client.post("/v2/workflows", content=bad, headers=TEXT)
    assert got.status_code == 400
    body = got.json()
    assert body["faultcode"] == "Client"
    assert "nowhere" in body["faultstring"]
    assert ":6:" in body["faultstring"]


@SQLITE_ONLY
def test_accept_json_only_is_not_acceptable(client: TestClient) -> None:
    """As in Mistral, a client accepting only application/json gets 406."""
    headers = {"content-type": "text/plain", "accept": "application/json"}
    got = client.post("/v2/workflows", content=WF, headers=headers)
    assert got.status_code == 406
    assert client.get("/v2/workflows/wf").status_code == 404


@SQLITE_ONLY
def test_bad_scope_is_rejected(client: TestClient) -> None:
    """A scope other than private/public answers 400."""
    got = client.post("/v2/workflows", content=WF, headers=TEXT, params={"scope": "shared"})
    assert got.status_code == 400
    assert "Scope must be one of" in got.json()["faultstring"]


@SQLITE_ONLY
def test_json_body_with_definition_is_accepted(client: TestClient) -> None:
    """A JSON body {"definition": ...} is read as the definition text."""
    got = client.post("/v2/workflows", json={"definition": WF})
    assert got.status_code == 201
    assert got.json()["workflows"][0]["name"] == "wf"
