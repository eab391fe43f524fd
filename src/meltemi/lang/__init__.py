"""meltemi.lang: DSL v2 text to typed, immutable specs, with positioned problems.

Public API (every function raises :class:`meltemi.errors.DefinitionError` listing
every problem found, each with ``source:line:col``)::

    load_workflows(text, *, source="<string>", namespace="") -> tuple[WorkflowSpec, ...]
    load_workbook(text, *, source="<string>", namespace="") -> WorkbookSpec
    load_actions(text, *, source="<string>", namespace="") -> tuple[AdHocActionSpec, ...]
    load_any(text, *, source="<string>", namespace="")
        -> WorkbookSpec | tuple[WorkflowSpec, ...] | tuple[AdHocActionSpec, ...]

The specs live in :mod:`meltemi.lang.spec`; graph helpers (inbound/outbound tasks,
start tasks, requirements) in :mod:`meltemi.lang.graph`.
"""

from __future__ import annotations

from meltemi.lang.documents import load_actions, load_any, load_workbook, load_workflows

__all__ = ["load_actions", "load_any", "load_workbook", "load_workflows"]
