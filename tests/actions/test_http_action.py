"""std.http against a real local HTTP server (loopback opened by the settings)."""

from __future__ import annotations

from typing import Any

import pytest

from meltemi import actions
from meltemi.settings import Settings

OPEN = Settings(http_denied_cidrs=())


async def http(given: dict[str, Any], settings: Settings = OPEN) -> actions.Outcome:
    registry = actions.Registry.default(plugins=False)
    ctx = actions.ActionContext(settings=settings)
    return await actions.run_action(registry.get("std.http"), given, ctx)


@pytest.mark.anyio
async def test_json_response_is_parsed(http_peer: str) -> None:
    """A JSON body becomes the parsed content; status, headers, cookies are reported."""
    outcome = await http({"url": f"{http_peer}/json"})
    assert isinstance(outcome, actions.Succeeded)
    result = outcome.result
    assert result["content"] == {"hello": "world"}
    assert result["status"] == 200
    assert result["headers"]["content-type"] == "application/json"
    assert result["cookies"] == {"session": "abc"}
    assert result["encoding"] == "utf-8"


@pytest.mark.anyio
async def test_text_response_is_kept_as_text(http_peer: str) -> None:
    """A body that is not JSON is returned as text."""
    outcome = await http({"url": f"{http_peer}/text"})
    assert isinstance(outcome, actions.Succeeded)
    assert outcome.result["content"] == "just text"


@pytest.mark.anyio
async def test_request_parameters_reach_the_server(http_peer: str) -> None:
    """method, params, dict body (as JSON), headers, cookies and auth are sent."""
    outcome = await http(
        {
            "url": f"{http_peer}/echo",
            "method": "post",
            "params": {"q": "1"},
            "body": {"k": "v"},
            "headers": {"X-Number": 5},
            "cookies": {"c": "d"},
            "auth": "user:pw",
        }
    )
    assert isinstance(outcome, actions.Succeeded)
    seen = outcome.result["content"]
    assert seen["method"] == "POST"
    assert seen["query"] == {"q": "1"}
    assert seen["body"] == '{"k": "v"}'
    assert seen["headers"]["x-number"] == "5"
    assert seen["headers"]["authorization"] == "Basic dXNlcjpwdw=="
    assert seen["cookies"] == {"c": "d"}


@pytest.mark.anyio
async def test_json_parameter_is_sent_as_json(http_peer: str) -> None:
    """The json parameter sends a JSON body with its content type."""
    outcome = await http({"url": f"{http_peer}/echo", "method": "PUT", "json": [1, 2]})
    assert isinstance(outcome, actions.Succeeded)
    assert outcome.result["content"]["body"] == "[1,2]"
    assert outcome.result["content"]["headers"]["content-type"] == "application/json"


@pytest.mark.anyio
async def test_error_status_fails_with_status_and_body(http_peer: str) -> None:
    """A 4xx/5xx response fails; the error data carries status and content."""
    outcome = await http({"url": f"{http_peer}/status/404"})
    assert isinstance(outcome, actions.Failed)
    assert outcome.data["status"] == 404
    assert outcome.data["content"] == "status body 404"
    assert "404" in outcome.message


@pytest.mark.anyio
async def test_request_timeout_fails(http_peer: str) -> None:
    """A response slower than ``timeout`` fails the action."""
    outcome = await http({"url": f"{http_peer}/slow", "timeout": 0.2})
    assert isinstance(outcome, actions.Failed)
    assert "Timeout" in outcome.message


@pytest.mark.anyio
async def test_oversized_body_fails(http_peer: str) -> None:
    """A body above max_result_bytes fails without being kept."""
    settings = Settings(http_denied_cidrs=(), max_result_bytes=1000)
    outcome = await http({"url": f"{http_peer}/big"}, settings)
    assert isinstance(outcome, actions.Failed)
    assert "max_result_bytes" in outcome.message


@pytest.mark.anyio
async def test_mistral_http_sends_callback_headers_and_is_pending(http_peer: str) -> None:
    """std.mistral_http adds the Mistral-* headers and completes later."""
    registry = actions.Registry.default(plugins=False)
    ctx = actions.ActionContext(
        execution_id="ex", action_execution_id="ae", callback_url="http://cb", settings=OPEN
    )
    definition = registry.get("std.mistral_http")
    outcome = await actions.run_action(definition, {"url": f"{http_peer}/status/500"}, ctx)
    assert isinstance(outcome, actions.Failed)
    outcome = await actions.run_action(definition, {"url": f"{http_peer}/echo"}, ctx)
    assert outcome == actions.Pending()
