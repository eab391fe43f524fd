"""The CLI's HTTP client: where it connects and how error answers read."""

from __future__ import annotations

import httpx
import pytest

from meltemi import errors
from meltemi.cli import client


def test_url_precedence() -> None:
    """``--url`` beats ``MELTEMI_URL``, which beats the default; a bare host gets http."""
    env = {"MELTEMI_URL": "http://env:1/"}
    assert client.base_url("http://flag:2", env) == "http://flag:2"
    assert client.base_url(None, env) == "http://env:1"
    assert client.base_url(None, {}) == client.DEFAULT_URL
    assert client.base_url("box:8989", {}) == "http://box:8989"


def _answering(status: int, **kwargs: object) -> client.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, **kwargs)  # type: ignore[arg-type]

    return client.Client("http://fake", transport=httpx.MockTransport(handler))


def test_faultstring_becomes_the_message() -> None:
    """A Mistral fault body gives its ``faultstring`` and the status."""
    api = _answering(409, json={"faultstring": "Duplicate entry", "faultcode": "Client"})
    with api, pytest.raises(errors.ClientError) as caught:
        api.get("/v2/workflows")
    assert (str(caught.value), caught.value.status) == ("Duplicate entry", 409)


def test_body_without_fault_gives_first_line() -> None:
    """An error answer that is not a fault body (a proxy's page) gives its first line."""
    api = _answering(502, text="Bad gateway\n<html>...</html>")
    with api, pytest.raises(errors.ClientError) as caught:
        api.get("/v2/workflows")
    assert str(caught.value) == "Bad gateway"


def test_empty_error_gives_status() -> None:
    """An empty error answer is described by its status line."""
    api = _answering(503)
    with api, pytest.raises(errors.ClientError) as caught:
        api.delete("/v2/workflows/x")
    assert str(caught.value) == "HTTP 503 Service Unavailable"


def test_success_decodes_json_and_empty_is_none() -> None:
    """A 2xx answer is its JSON; a 204 is None."""
    with _answering(200, json={"workflows": []}) as api:
        assert api.get("/v2/workflows") == {"workflows": []}
    with _answering(204) as api:
        assert api.request("DELETE", "/v2/workflows/x") is None
