"""``std.email``: send an email with aiosmtplib.

Parameters follow Mistral's ``std.email`` (plus ``smtp_username``, ``use_tls``,
``start_tls`` and ``verify``). ``smtp_server`` is ``host`` or ``host:port``. With a
password the connection must be upgraded with STARTTLS before logging in (as
Mistral does), unless ``use_tls`` makes the whole connection TLS. The result is null.
"""

from __future__ import annotations

import dataclasses
import importlib
from email.message import EmailMessage
from typing import Any

from meltemi import errors
from meltemi.actions.base import ActionContext, action


@action(name="std.email")
@dataclasses.dataclass(frozen=True)
class EmailAction:
    """Sends an email (plain text, optionally with an HTML alternative)."""

    from_addr: str
    to_addrs: Any
    smtp_server: str
    reply_to: Any = None
    cc_addrs: Any = None
    bcc_addrs: Any = None
    smtp_password: str | None = None
    subject: str | None = None
    body: str | None = None
    html_body: str | None = None
    smtp_username: str | None = None
    """Login name; default ``from_addr``."""
    use_tls: bool = False
    """Connect with TLS from the start (SMTPS, usually port 465)."""
    start_tls: bool | None = None
    """Upgrade with STARTTLS: ``None`` = when offered, and always when logging in."""
    verify: Any = None
    """False skips certificate checks; a path names a CA bundle."""

    async def run(self, ctx: ActionContext) -> None:
        """Send the message."""
        host, port = _server(self.smtp_server, self.use_tls)
        start_tls = self.start_tls
        if start_tls is None and self.smtp_password is not None and not self.use_tls:
            start_tls = True
        aiosmtplib = importlib.import_module("aiosmtplib")  # on the first email: ~14 MB
        try:
            await aiosmtplib.send(
                self.message(),
                hostname=host,
                port=port,
                sender=self.from_addr,
                recipients=[
                    *_addrs(self.to_addrs),
                    *_addrs(self.cc_addrs),
                    *_addrs(self.bcc_addrs),
                ],
                username=(self.smtp_username or self.from_addr) if self.smtp_password else None,
                password=self.smtp_password,
                use_tls=self.use_tls,
                start_tls=start_tls,
                validate_certs=self.verify is not False,
                cert_bundle=self.verify if isinstance(self.verify, str) else None,
                timeout=ctx.settings.http_timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as e:
            raise errors.ActionError(f"Failed to send an email message: {e}") from None

    def message(self) -> EmailMessage:
        """The message as it is sent (Bcc recipients are not in the headers)."""
        message = EmailMessage()
        message["Subject"] = self.subject or "<No subject>"
        message["From"] = self.from_addr
        message["To"] = ", ".join(_addrs(self.to_addrs))
        if self.cc_addrs:
            message["Cc"] = ", ".join(_addrs(self.cc_addrs))
        if self.reply_to:
            message["Reply-To"] = ", ".join(_addrs(self.reply_to))
        message.set_content(self.body or "<No body>")
        if self.html_body:
            message.add_alternative(self.html_body, subtype="html")
        return message


def _addrs(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _server(smtp_server: str, use_tls: bool) -> tuple[str, int]:
    host, _, port = smtp_server.rpartition(":")
    if host and port.isdigit():
        return host, int(port)
    return smtp_server, 465 if use_tls else 25


ACTIONS = (EmailAction,)
