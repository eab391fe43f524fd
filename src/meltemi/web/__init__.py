"""meltemi.web: the dashboard, served under ``/ui`` next to the API.

Public API::

    mount(app: fastapi.FastAPI) -> None   # routes, static files, ``/`` -> ``/ui`` for browsers
    router: fastapi.APIRouter             # the dashboard's routes alone

Pages are rendered on the server (Jinja2 templates in ``templates/``, CSS and a little
plain JavaScript in ``static/``; no build step, no CDN). Reads go through the store's
queries; changes through ``app.state.control``. The graph of a workflow is laid out
in Python (:mod:`meltemi.web.graph`) and drawn as inline SVG.
"""

from __future__ import annotations

from meltemi.web.site import mount, router

__all__ = ["mount", "router"]
