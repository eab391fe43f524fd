"""Keeping secrets out of logs and history.

:func:`redact` returns a copy of an action's input with every secret replaced by
:data:`MASK`: passwords, private keys, tokens, ``auth``, secret HTTP headers, cookies
and the password part of URLs. The worker and the API store and show only this copy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

_SECRET_KEY = re.compile(
    r"(password|passwd|secret|token|private_key|api_key|apikey|credential)", re.IGNORECASE
)
_SECRET_KEYS = frozenset({"auth", "cookies", "smtp_password", "private_key"})
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-auth-token", "x-api-key"}
)
_URL_WITH_PASSWORD = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@\s]*:[^/@\s]*@")


def redact(action_name: str, given: Mapping[str, Any]) -> dict[str, Any]:  # noqa: ARG001
    """A copy of ``given`` (the input of action ``action_name``) without secrets."""
    return {key: _redact_item(key, value) for key, value in given.items()}


def _redact_item(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in _SECRET_KEYS or _SECRET_KEY.search(key):
        return MASK
    if key.lower() in {"headers", "proxy_headers"} and isinstance(value, Mapping):
        return {k: MASK if str(k).lower() in _SECRET_HEADERS else v for k, v in value.items()}
    return _redact_value(value)


def _redact_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _redact_item(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    if isinstance(value, str) and _URL_WITH_PASSWORD.match(value):
        return _mask_url_password(value)
    return value


def _mask_url_password(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:{MASK}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
