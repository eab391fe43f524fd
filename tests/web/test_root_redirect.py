"""``/`` sends browsers to the dashboard and keeps the versions document for API clients."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_browser_redirected_json_client_not(client: TestClient) -> None:
    """Accept: text/html at / redirects to /ui/executions; a JSON client gets the versions."""
    html = client.get("/", headers={"accept": "text/html,application/xhtml+xml"})
    assert html.status_code == 307
    assert html.headers["location"] == "/ui/executions"
    api = client.get("/", headers={"accept": "application/json"})
    assert api.status_code == 200
    assert api.json()["versions"][0]["id"] == "v2.0"
    assert client.get("/ui").headers["location"] == "/ui/executions"
