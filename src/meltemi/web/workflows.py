"""Workflow pages: the definitions, each with its source, graph and a start form.

The start form has one field per declared input; a field left empty keeps the
input's default. Values are read as JSON when they parse (``42``, ``true``,
``["a"]``) and as text otherwise.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from meltemi import errors
from meltemi.api.deps import DB, Ctl
from meltemi.lang import spec as specs
from meltemi.web import graph, pages, views

router = APIRouter(prefix="/ui", route_class=pages.PageRoute, include_in_schema=False)


@router.get("/workflows", response_class=HTMLResponse)
def workflow_list(request: Request, db: DB) -> HTMLResponse:
    """Stored workflows by name."""
    with db.transaction(readonly=True) as session:
        return pages.render(request, "workflows.html", workflows=views.workflows(session))


def _page(
    request: Request, db: DB, identifier: str, *, form: dict[str, str], error: str = ""
) -> HTMLResponse:
    with db.transaction(readonly=True) as session:
        row, spec = views.workflow(session, identifier)
        envs = [e.name for e in views.environments(session)]
        return pages.render(
            request,
            "workflow.html",
            status=400 if error else 200,
            row=row,
            spec=spec,
            graph=graph.layout(spec),
            latest={},
            envs=envs,
            form=form,
            error=error,
            defaults={p.name: pages.pretty(p.default) for p in spec.input if p.has_default},
        )


@router.get("/workflows/{identifier}", response_class=HTMLResponse)
def workflow(request: Request, db: DB, identifier: str) -> HTMLResponse:
    """One workflow: its graph, highlighted source and start form."""
    return _page(request, db, identifier, form={})


def start_input(spec: specs.WorkflowSpec, form: dict[str, str]) -> dict[str, Any]:
    """The execution input from the start form (empty fields keep their defaults)."""
    given: dict[str, Any] = {}
    for param in spec.input:
        raw = form.get(f"input.{param.name}", "")
        if raw.strip():
            given[param.name] = pages.loose_value(raw)
        elif not param.has_default:
            raise errors.InputError(
                f"Input {param.name!r} is required: fill it in", field=param.name
            )
    return given


@router.post("/workflows/{identifier}/start")
def start(request: Request, db: DB, *, control: Ctl, identifier: str, form: pages.Form) -> Response:
    """Start an execution from the form; on a mistake show the form again with the error."""
    try:
        with db.transaction(readonly=True) as session:
            row, spec = views.workflow(session, identifier)
        params: dict[str, Any] = {}
        if form.get("env"):
            params["env"] = form["env"]
        execution_id = control.start_execution(
            workflow_identifier=row.id,
            namespace=row.namespace,
            input=start_input(spec, form),
            params=params,
            description=form.get("description", "").strip(),
        ).id
    except (errors.InputError, errors.ExpressionError) as exc:
        return _page(request, db, identifier, form=form, error=str(exc))
    return pages.redirect(f"/ui/executions/{execution_id}")
