"""The ASGI application: Mistral's REST API v2 over Meltemi's store.

``create_app(settings, db, *, control=None, registry=None)`` builds a FastAPI app holding
no global state: settings, database, control and action registry live on ``app.state``.
Reads go straight to the store; changes to executions go through the control
(``worker.control.Controller``: its functions bound to one runtime).
"""

from __future__ import annotations

import importlib
from typing import Any, cast

from fastapi import APIRouter, FastAPI, Request

import meltemi
from meltemi.actions import Registry
from meltemi.api import (
    action_executions,
    actions,
    cron_triggers,
    environments,
    errors,
    executions,
    history,
    openapi,
    render,
    sub_executions,
    tasks,
    workbooks,
    workflows,
)
from meltemi.api.deps import DB, Control
from meltemi.settings import Settings
from meltemi.store.db import Database

ROUTERS = (
    executions.router,  # first: what clients start and poll all the time is matched first
    tasks.router,
    action_executions.router,
    sub_executions.router,
    history.router,
    workflows.router,
    workbooks.router,
    actions.router,
    environments.router,
    cron_triggers.router,
)

root = APIRouter(tags=["root"], route_class=render.DataRoute)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@root.get("/")
def versions(request: Request) -> dict[str, Any]:
    """The API versions this server speaks (only v2), as Mistral lists them."""
    link = {"href": f"{_base(request)}/v2", "target": "v2", "rel": "self"}
    return {"versions": [{"id": "v2.0", "status": "CURRENT", "links": [link]}]}


@root.get("/v2")
def v2(request: Request) -> dict[str, Any]:
    """The root resource of API v2."""
    return {"uri": f"{_base(request)}/v2"}


@root.get("/health")
def health(db: DB) -> dict[str, Any]:
    """Liveness and database reachability (a failing database answers 500)."""
    with db.transaction(readonly=True) as session:
        session.connection()
    return {"status": "ok", "version": meltemi.__version__}


def _default_control(db: Database, settings: Settings) -> Control:
    step = importlib.import_module("meltemi.worker.step")
    control = importlib.import_module("meltemi.worker.control")
    return cast(Control, control.Controller(step.Runtime.create(db, settings)))


def create_app(
    settings: Settings,
    db: Database,
    *,
    control: Control | None = None,
    registry: Registry | None = None,
) -> FastAPI:
    """A new application serving ``/``, ``/v2/...``, ``/health`` and ``/openapi.json``.

    ``control`` defaults to ``worker.control.Controller`` on a new runtime (``meltemi
    server`` passes its own; tests pass a fake); ``registry`` (what ``/v2/actions``
    lists) to the std actions plus installed plugins.
    """
    app = FastAPI(
        title="Meltemi",
        version=meltemi.__version__,
        description="Workflow service speaking OpenStack Mistral's DSL v2 and REST API v2.",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.control = control if control is not None else _default_control(db, settings)
    app.state.registry = registry if registry is not None else Registry.default()
    errors.install(app)
    app.include_router(root)
    for router in ROUTERS:
        app.include_router(router)
    openapi.install(app)
    importlib.import_module("meltemi.web").mount(app)  # the dashboard under /ui
    return app
