"""The dashboard put together: its routes, its static files, and ``/`` for browsers.

:func:`mount` is the one call the API's ``create_app`` makes. The API keeps ``/``
(the versions document) for JSON clients; a browser asking for HTML at ``/`` is sent
to ``/ui``.
"""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from meltemi.web import approvals, executions, pages, schedules, workflows

HOME = "/ui/executions"
router = APIRouter(route_class=pages.PageRoute, include_in_schema=False)
for part in (executions.router, approvals.router, workflows.router, schedules.router):
    router.include_router(part)


@router.get("/ui")
@router.get("/ui/")
def home() -> RedirectResponse:
    """The dashboard's first page: the executions."""
    return RedirectResponse(HOME, status_code=307)


class BrowserRoot:
    """ASGI middleware: ``GET /`` with ``Accept: text/html`` goes to the dashboard."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Redirect browsers at ``/``; pass everything else through."""
        if scope["type"] == "http" and scope["path"] == "/" and scope["method"] == "GET":
            accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
            if "text/html" in accept:
                await RedirectResponse(HOME, status_code=307)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def static_dir() -> str:
    """The directory of the dashboard's CSS and JavaScript (shipped in the package)."""
    return str(resources.files("meltemi.web") / "static")


def mount(app: FastAPI) -> None:
    """Serve the dashboard under ``/ui`` on ``app``, and send browsers from ``/`` there."""
    app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=static_dir()), name="ui-static")
    app.add_middleware(BrowserRoot)
