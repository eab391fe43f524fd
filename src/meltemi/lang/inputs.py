"""Input declarations of workflows and ad-hoc actions: ``- name`` or ``- name: default``."""

from __future__ import annotations

from typing import Any

from meltemi.lang import loader, problems, spec


def normalize(
    raw: Any, path: loader.Path, collector: problems.Collector, what: str
) -> tuple[spec.InputParam, ...] | None:
    """Normalize an ``input`` list; ``None`` (with problems recorded) when it is invalid."""
    if not isinstance(raw, list):
        collector.add(f"'input' of {what} must be a list of names or 'name: default'", path)
        return None
    params: list[spec.InputParam] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        param = _param(item, (*path, index), collector, what)
        if param is None:
            continue
        if param.name in seen:
            collector.add(f"input '{param.name}' of {what} is declared twice", (*path, index))
        seen.add(param.name)
        params.append(param)
    return tuple(params) if len(params) == len(raw) else None


def _param(
    item: Any, path: loader.Path, collector: problems.Collector, what: str
) -> spec.InputParam | None:
    if isinstance(item, str) and item:
        return spec.InputParam(name=item)
    if isinstance(item, dict) and len(item) == 1:
        name, default = next(iter(item.items()))
        return spec.InputParam(name=name, has_default=True, default=default)
    if isinstance(item, dict) and len(item) > 1:
        names = ", ".join(f"'{key}'" for key in item)
        collector.add(
            f"an input entry of {what} must have exactly one key (name: default), not {names}",
            path,
        )
        return None
    collector.add(f"an input entry of {what} must be a name or 'name: default'", path)
    return None
