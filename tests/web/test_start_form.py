"""The start form shows a missing required input as an error and starts nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from meltemi.store import models, rows
from meltemi.store.db import Database

WF = """\
version: '2.0'
wf:
  input:
    - name
    - count: 3
  tasks:
    t1:
      action: std.echo output=<% $.name %>
"""


def test_missing_input_shows_error(client: TestClient, db: Database) -> None:
    """Submitting without the required input re-renders the form with a message (400)."""
    created = client.post("/v2/workflows", content=WF, headers={"content-type": "text/plain"})
    assert created.status_code == 201
    wf_id = created.json()["workflows"][0]["id"]
    page = client.get(f"/ui/workflows/{wf_id}")
    assert 'name="input.name"' in page.text
    assert 'name="input.count"' in page.text
    answer = client.post(f"/ui/workflows/{wf_id}/start", data={"input.count": "5"})
    assert answer.status_code == 400
    assert "Input &#39;name&#39; is required" in answer.text
    assert 'value="5"' in answer.text
    with db.transaction(readonly=True) as session:
        assert rows.count(session, models.WorkflowExecution, {}) == 0
