"""std.email against a real local aiosmtpd server."""

from __future__ import annotations

import email
from email.message import Message
from typing import Any

import pytest

from meltemi import actions


async def send(server: str, given: dict[str, Any], limit: float | None = None) -> actions.Outcome:
    registry = actions.Registry.default(plugins=False)
    base = {"from_addr": "wf@meltemi.test", "smtp_server": server}
    return await actions.run_action(
        registry.get("std.email"), base | given, actions.ActionContext(), timeout=limit
    )


@pytest.mark.anyio
async def test_message_is_delivered_to_all_recipients(smtp_peer: Any) -> None:
    """To, Cc and Bcc all receive it; Bcc is not in the headers."""
    given = {
        "to_addrs": ["a@x.test"],
        "cc_addrs": ["c@x.test"],
        "bcc_addrs": ["b@x.test"],
        "subject": "Hi",
        "body": "plain body",
        "html_body": "<p>html body</p>",
    }
    assert await send(smtp_peer.address, given) == actions.Succeeded(None)
    (envelope,) = smtp_peer.inbox.envelopes
    assert envelope.mail_from == "wf@meltemi.test"
    assert sorted(envelope.rcpt_tos) == ["a@x.test", "b@x.test", "c@x.test"]
    assert isinstance(envelope.content, bytes)
    message: Message = email.message_from_bytes(envelope.content)
    assert message["Subject"] == "Hi"
    assert message["Cc"] == "c@x.test"
    assert message["Bcc"] is None
    parts = [p.get_content_type() for p in message.walk()]
    assert "text/plain" in parts
    assert "text/html" in parts


@pytest.mark.anyio
async def test_rejected_recipient_fails(smtp_peer: Any) -> None:
    """A recipient refused by the server fails the action."""
    outcome = await send(smtp_peer.address, {"to_addrs": ["nobody@x.test"]})
    assert isinstance(outcome, actions.Failed)
    assert outcome.message.startswith("Failed to send an email message")
    assert smtp_peer.inbox.envelopes == []


@pytest.mark.anyio
async def test_silent_server_times_out(silent_peer: int) -> None:
    """A server that never greets is cut off by the run's timeout."""
    outcome = await send(f"127.0.0.1:{silent_peer}", {"to_addrs": ["a@x.test"]}, limit=0.3)
    assert isinstance(outcome, actions.Failed)
    assert outcome.timed_out
