"""Saving definition texts (workflows, a workbook, ad-hoc actions) as stored rows.

Used by ``meltemi run`` to put a file's definitions in place before running it:
existing definitions of the same names are replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from meltemi import lang
from meltemi.lang import spec as specs
from meltemi.store import definitions, models, rows
from meltemi.store.db import Session


def input_signature(params: Sequence[specs.InputParam]) -> str:
    """The input as Mistral shows it: ``a, b="default"``."""
    return ", ".join(f'{p.name}="{p.default}"' if p.has_default else p.name for p in params)


Spec = specs.WorkflowSpec | specs.AdHocActionSpec | specs.WorkbookSpec


def _columns(spec: Spec, text: str) -> dict[str, Any]:
    """The columns every definition row has."""
    return {
        "name": spec.name,
        "namespace": spec.namespace,
        "definition": text,
        "spec": spec.model_dump(mode="json"),
        "tags": list(spec.tags),
    }


def workflow_columns(spec: specs.WorkflowSpec, text: str) -> dict[str, Any]:
    """The columns of a workflow definition row."""
    return {**_columns(spec, text), "input": input_signature(spec.input)}


def action_columns(spec: specs.AdHocActionSpec, text: str) -> dict[str, Any]:
    """The columns of an ad-hoc action definition row."""
    columns = _columns(spec, text)
    return {**columns, "input": input_signature(spec.input), "description": spec.description}


def workbook_columns(spec: specs.WorkbookSpec, text: str) -> dict[str, Any]:
    """The columns of a workbook row."""
    return _columns(spec, text)


def save(
    session: Session, text: str, *, source: str = "<string>", namespace: str = ""
) -> list[str]:
    """Store every definition of ``text``, replacing same-named ones; the workflow names.

    Raises :class:`errors.DefinitionError` with every problem of the text.
    """
    parsed = lang.load_any(text, source=source, namespace=namespace)
    if isinstance(parsed, specs.WorkbookSpec):
        return _save_workbook(session, parsed, text)
    names = []
    for item in parsed:
        if isinstance(item, specs.WorkflowSpec):
            _replace(session, models.WorkflowDefinition, workflow_columns(item, text))
            names.append(item.name)
        else:
            _replace(session, models.ActionDefinition, action_columns(item, text))
    return names


def _replace(session: Session, model: Any, columns: dict[str, Any]) -> Any:
    row = rows.find(session, model, name=columns["name"], namespace=columns["namespace"])
    if row is None:
        return rows.create(session, model, **columns)
    return rows.update(session, row, **columns)


def _save_workbook(session: Session, spec: specs.WorkbookSpec, text: str) -> list[str]:
    old = rows.find(session, models.Workbook, name=spec.name, namespace=spec.namespace)
    if old is not None:
        definitions.delete(session, models.Workbook, old.id)
    workbook = rows.create(session, models.Workbook, **workbook_columns(spec, text))
    for wf in spec.workflows.values():
        _replace(
            session,
            models.WorkflowDefinition,
            {**workflow_columns(wf, text), "workbook_id": workbook.id},
        )
    for action in spec.actions.values():
        _replace(
            session,
            models.ActionDefinition,
            {**action_columns(action, text), "workbook_id": workbook.id},
        )
    return list(spec.workflows)
