"""Cron triggers and environments: list, create, delete.

Cron triggers are checked and scheduled by the API's own rules
(:func:`meltemi.api.cron_triggers.create`), so the two never disagree.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from meltemi.api import cron_triggers as api_cron
from meltemi.api.deps import DB
from meltemi.store import cron_triggers, environments, models, rows
from meltemi.web import pages, views

router = APIRouter(prefix="/ui", route_class=pages.PageRoute, include_in_schema=False)


@router.get("/cron-triggers", response_class=HTMLResponse)
def trigger_list(request: Request, db: DB) -> HTMLResponse:
    """Cron triggers, with the form that creates one."""
    with db.transaction(readonly=True) as session:
        return pages.render(
            request,
            "cron_triggers.html",
            triggers=views.cron_triggers(session),
            names=views.workflow_names(session),
        )


@router.post("/cron-triggers")
def create_trigger(db: DB, form: pages.Form) -> RedirectResponse:
    """Create a cron trigger from the form."""
    count = form.get("remaining_executions", "").strip()
    given = api_cron.CronTriggerIn(
        name=views.require(form.get("name", ""), "name"),
        workflow_name=views.require(form.get("workflow_name", ""), "workflow_name"),
        workflow_input=pages.json_object(form, "workflow_input"),
        pattern=form.get("pattern", "").strip() or None,
        first_execution_time=form.get("first_execution_time", "").strip() or None,
        remaining_executions=int(count) if count.isdigit() else None,
    )
    api_cron.create(db, given)
    return pages.redirect("/ui/cron-triggers")


@router.post("/cron-triggers/{identifier}/delete")
def delete_trigger(db: DB, identifier: str) -> RedirectResponse:
    """Delete a cron trigger."""
    with db.transaction() as session:
        rows.delete(session, cron_triggers.get(session, identifier))
    return pages.redirect("/ui/cron-triggers")


@router.get("/environments", response_class=HTMLResponse)
def environment_list(request: Request, db: DB) -> HTMLResponse:
    """Environments, with the form that creates one."""
    with db.transaction(readonly=True) as session:
        return pages.render(request, "environments.html", environments=views.environments(session))


@router.post("/environments")
def create_environment(db: DB, form: pages.Form) -> RedirectResponse:
    """Create an environment from the form."""
    name = views.require(form.get("name", ""), "name")
    variables = pages.json_object(form, "variables")
    with db.transaction() as session:
        rows.create(
            session,
            models.Environment,
            name=name,
            description=form.get("description", "").strip() or None,
            variables=variables,
        )
    return pages.redirect("/ui/environments")


@router.post("/environments/{identifier}/delete")
def delete_environment(db: DB, identifier: str) -> RedirectResponse:
    """Delete an environment."""
    with db.transaction() as session:
        rows.delete(session, environments.get(session, identifier))
    return pages.redirect("/ui/environments")
