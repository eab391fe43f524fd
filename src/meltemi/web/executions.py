"""Pages of executions: the list, one execution, one task; and the buttons that change them.

Reads go through :mod:`meltemi.web.views`; every change goes through the application's
control (``app.state.control``), exactly as the API's do.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from meltemi import errors
from meltemi.api.deps import DB, Ctl
from meltemi.web import pages, views

router = APIRouter(prefix="/ui", route_class=pages.PageRoute, include_in_schema=False)
STATES = ("RUNNING", "PAUSED", "SUCCESS", "ERROR", "CANCELLED", "IDLE")
ACTIONS = {"pause": "PAUSED", "resume": "RUNNING", "cancel": "CANCELLED"}


@router.get("/executions", response_class=HTMLResponse)
def execution_list(
    request: Request,
    db: DB,
    *,
    state: str = "",
    workflow: str = "",
    q: str = "",
    after: str = "",
    before: str = "",
) -> Response:
    """Executions newest first, filtered by state and workflow, searched by id."""
    q = q.strip()
    filters = views.execution_filters(state, workflow.strip(), q)
    with db.transaction(readonly=True) as session:
        listing = views.execution_list(session, filters, after=after or None, before=before or None)
        names = views.workflow_names(session)
    if len(listing.rows) == 1 and q == listing.rows[0].id:  # an exact id: open it
        return pages.redirect(f"/ui/executions/{q}")
    return pages.render(
        request, "executions.html", **_list_context(listing, names, state, workflow, q)
    )


def _list_context(
    listing: views.ExecutionList, names: list[str], state: str, workflow: str, q: str
) -> dict[str, Any]:
    keep = {k: v for k, v in {"state": state, "workflow": workflow, "q": q}.items() if v}

    def link(**marker: str) -> str:
        return "/ui/executions?" + urllib.parse.urlencode({**keep, **marker})

    return {
        "listing": listing,
        "names": names,
        "states": STATES,
        "state": state,
        "workflow": workflow,
        "q": q,
        "newer": link(before=listing.newer) if listing.newer else None,
        "older": link(after=listing.older) if listing.older else None,
    }


@router.get("/executions/{execution_id}", response_class=HTMLResponse)
def execution(request: Request, db: DB, execution_id: str) -> HTMLResponse:
    """One execution: graph, timeline, data, sub-workflows, history and controls."""
    with db.transaction(readonly=True) as session:
        view = views.execution_view(session, execution_id)
        return pages.render(request, "execution.html", view=view, graph=view.layout)


@router.post("/executions/{execution_id}/{verb}")
def change(*, control: Ctl, execution_id: str, verb: str, form: pages.Form) -> RedirectResponse:
    """Pause, resume or cancel an execution (``verb`` is ``pause``/``resume``/``cancel``)."""
    state = ACTIONS.get(verb)
    if state is None:
        raise errors.InputError(f"Unknown change {verb!r}: use pause, resume or cancel")
    info = form.get("state_info", "").strip() or None
    control.set_execution_state(execution_id, state=state, state_info=info)
    return pages.redirect(f"/ui/executions/{execution_id}")


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task(request: Request, db: DB, task_id: str) -> HTMLResponse:
    """One task execution: its action executions, attempts and with-items items."""
    with db.transaction(readonly=True) as session:
        page = views.task_page(session, task_id)
        return pages.render(request, "task.html", page=page)


@router.post("/tasks/{task_id}/rerun")
def rerun(db: DB, control: Ctl, task_id: str, form: pages.Form) -> RedirectResponse:
    """Rerun a task in ERROR, optionally with a new env, then show its execution."""
    env = pages.json_object(form, "env") or None
    with db.transaction(readonly=True) as session:
        execution_id = views.execution_of_task(session, task_id)
    control.rerun_task(task_id, reset=form.get("reset", "true") != "false", env=env)
    return pages.redirect(f"/ui/executions/{execution_id}")
