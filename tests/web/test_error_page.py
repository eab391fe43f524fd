"""A missing execution is a 404 page that says what happened and what to do."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_missing_execution(client: TestClient) -> None:
    """The page names the missing execution and suggests going back to the list."""
    answer = client.get("/ui/executions/0b5e1f4e-0000-4000-8000-000000000000")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "0b5e1f4e-0000-4000-8000-000000000000" in answer.text
    assert "Go back to the list" in answer.text
