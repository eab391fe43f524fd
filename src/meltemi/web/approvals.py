"""Waiting for people: running asynchronous actions, and the forms that answer them.

An answer is one of: an output given as JSON, an approval or a rejection with a
comment (output ``{"approved": true|false, "comment": ...}``), or a failure with a
reason. It goes through the control's ``complete_action``, as ``PUT
/v2/action_executions/{id}`` does.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from meltemi import errors
from meltemi.api.deps import DB, Ctl
from meltemi.web import pages, views

router = APIRouter(prefix="/ui", route_class=pages.PageRoute, include_in_schema=False)


@router.get("/waiting", response_class=HTMLResponse)
def waiting(request: Request, db: DB) -> HTMLResponse:
    """Every running asynchronous action execution, each with its answer form."""
    with db.transaction(readonly=True) as session:
        return pages.render(request, "waiting.html", waiting=views.waiting(session))


def answer(form: dict[str, str]) -> tuple[str, Any]:
    """The ``(state, output)`` a submitted answer form means."""
    comment = form.get("comment", "").strip()
    match form.get("decision", ""):
        case "approve":
            return "SUCCESS", {"approved": True, "comment": comment}
        case "reject":
            return "SUCCESS", {"approved": False, "comment": comment}
        case "output":
            return "SUCCESS", pages.json_field(form, "output", default=None)
        case "fail":
            return "ERROR", comment or "Failed from the dashboard"
    raise errors.InputError(
        "Choose approve, reject, complete with output, or fail", field="decision"
    )


@router.post("/waiting/{action_execution_id}")
def complete(*, control: Ctl, action_execution_id: str, form: pages.Form) -> RedirectResponse:
    """Answer one waiting action execution, then come back to the list."""
    state, output = answer(form)
    control.complete_action(action_execution_id, state=state, output=output)
    return pages.redirect(form.get("next") or "/ui/waiting")
