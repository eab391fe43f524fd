"""meltemi.api: Mistral's REST API v2 as an ASGI application.

Public API::

    create_app(settings, db, *, control=None, registry=None) -> fastapi.FastAPI

One module per resource (``workflows``, ``workbooks``, ``actions``, ``executions``,
``tasks``, ``action_executions``, ``environments``, ``cron_triggers``); ``paging`` for
Mistral's collections, ``errors`` for the only mapping of errors to HTTP codes.
"""

from __future__ import annotations

from meltemi.api.app import create_app

__all__ = ["create_app"]
