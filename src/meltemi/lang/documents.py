"""Whole DSL v2 documents: workflow lists, workbooks and ad-hoc action lists."""

from __future__ import annotations

from typing import Any, Literal

from meltemi.lang import actions, checks, loader, problems, spec, workflows

Kind = Literal["workflows", "workbook", "actions"]
WORKBOOK_KEYS = frozenset({"version", "name", "description", "tags", "workflows", "actions"})


def _open(document: loader.Document) -> tuple[problems.Collector, dict[str, Any]]:
    collector = problems.Collector(document)
    if not isinstance(document.data, dict):
        collector.add("a definition must be a YAML mapping with 'version: 2.0'", ())
        collector.raise_if_any()
    assert isinstance(document.data, dict)
    _check_version(document.data, (), collector)
    return collector, document.data


def _check_version(data: dict[str, Any], path: loader.Path, collector: problems.Collector) -> None:
    if "version" not in data:
        collector.add("missing 'version': add version: '2.0' at the top", path)
        return
    value = data["version"]
    try:
        supported = not isinstance(value, bool) and str(float(value)) == "2.0"
    except (TypeError, ValueError):
        supported = False
    if not supported:
        collector.add(f"unsupported DSL version '{value}': only '2.0' is", (*path, "version"))


def _items(data: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(name, body) for name, body in data.items() if name != "version"]


def detect(data: Any) -> Kind:
    """Which kind of document ``data`` is: a workbook, ad-hoc actions, or workflows."""
    if not isinstance(data, dict):
        return "workflows"
    if isinstance(data.get("name"), str) or "workflows" in data or "actions" in data:
        return "workbook"
    bodies = [body for _, body in _items(data)]
    if bodies and all(isinstance(b, dict) and "base" in b and "tasks" not in b for b in bodies):
        return "actions"
    return "workflows"


def load_workflows(
    text: str, *, source: str = "<string>", namespace: str = ""
) -> tuple[spec.WorkflowSpec, ...]:
    """Parse a workflow document (``version`` plus one or more workflows)."""
    return _workflows(loader.load(text, source=source), namespace)


def _workflows(document: loader.Document, namespace: str) -> tuple[spec.WorkflowSpec, ...]:
    collector, data = _open(document)
    found: list[spec.WorkflowSpec] = []
    for name, body in _items(data):
        built = workflows.build(name, body, (name,), collector, namespace=namespace)
        checks.check_expressions(body, (name,), collector)
        if built is not None:
            found.append(built)
    if not _items(data):
        collector.add("the document defines no workflow", ())
    collector.raise_if_any()
    return tuple(found)


def load_actions(
    text: str, *, source: str = "<string>", namespace: str = ""
) -> tuple[spec.AdHocActionSpec, ...]:
    """Parse an ad-hoc action document (``version`` plus one or more actions)."""
    return _actions(loader.load(text, source=source), namespace)


def _actions(document: loader.Document, namespace: str) -> tuple[spec.AdHocActionSpec, ...]:
    collector, data = _open(document)
    found: list[spec.AdHocActionSpec] = []
    for name, body in _items(data):
        built = actions.build(name, body, (name,), collector, namespace=namespace)
        checks.check_expressions(body, (name,), collector)
        if built is not None:
            found.append(built)
    if not _items(data):
        collector.add("the document defines no action", ())
    collector.raise_if_any()
    return tuple(found)


def load_workbook(text: str, *, source: str = "<string>", namespace: str = "") -> spec.WorkbookSpec:
    """Parse a workbook; its workflows and actions get qualified names ``wb.name``."""
    return _workbook(loader.load(text, source=source), namespace)


def _workbook(document: loader.Document, namespace: str) -> spec.WorkbookSpec:
    collector, data = _open(document)
    collector.unknown_keys(data, WORKBOOK_KEYS, (), "the workbook")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        collector.add("a workbook needs a 'name'", ("name",) if "name" in data else ())
        name = "<workbook>"
    built = {
        section: _build_all(section, data, name, namespace, collector)
        for section in ("workflows", "actions")
    }
    fields = {k: v for k, v in data.items() if k in {"description", "tags"}}
    fields.update(name=name, namespace=namespace, **built)
    workbook = collector.validate(spec.WorkbookSpec, fields, ())
    collector.raise_if_any()
    assert workbook is not None
    return workbook


_BUILDERS: dict[str, Any] = {"workflows": workflows.build, "actions": actions.build}
"""Workbook section -> the function building one of its items."""


def _build_all(
    section: str,
    data: dict[str, Any],
    workbook: str,
    namespace: str,
    collector: problems.Collector,
) -> dict[str, Any]:
    """Build every item of a workbook section, keyed by qualified name ``wb.item``."""
    raw = data.get(section)
    built: dict[str, Any] = {}
    if raw is None:
        return built
    if not isinstance(raw, dict) or not raw:
        collector.add(f"'{section}' of the workbook must be a non-empty mapping", (section,))
        return built
    if "version" in raw:
        _check_version(raw, (section,), collector)
    for name, body in _items(raw):
        path = (section, name)
        qualified = f"{workbook}.{name}"
        one = _BUILDERS[section](
            qualified, body, path, collector, namespace=namespace, workbook=workbook
        )
        checks.check_expressions(body, path, collector)
        if one is not None:
            built[qualified] = one
    return built


def load_any(
    text: str, *, source: str = "<string>", namespace: str = ""
) -> spec.WorkbookSpec | tuple[spec.WorkflowSpec, ...] | tuple[spec.AdHocActionSpec, ...]:
    """Detect the kind of document in ``text`` and parse it accordingly."""
    document = loader.load(text, source=source)
    kind = detect(document.data)
    if kind == "workbook":
        return _workbook(document, namespace)
    if kind == "actions":
        return _actions(document, namespace)
    return _workflows(document, namespace)
