"""Ad-hoc actions: a base action with preset input and an output transformation."""

from __future__ import annotations

from typing import Any

from meltemi.lang import inputs, loader, problems, shorthand, spec, tasks

ACTION_KEYS = tasks.keys_of(spec.AdHocActionSpec) - {"name", "namespace", "workbook"}


def build(
    name: str,
    raw: Any,
    path: loader.Path,
    collector: problems.Collector,
    *,
    namespace: str = "",
    workbook: str | None = None,
) -> spec.AdHocActionSpec | None:
    """Normalize and validate one ad-hoc action; ``name`` is already qualified.

    ``base: std.echo output="x"`` splits into the base name and inline parameters,
    merged under ``base-input`` (whose keys win).
    """
    what = f"action '{name}'"
    if not isinstance(raw, dict):
        collector.add(f"{what} must be a mapping", path, key=True)
        return None
    collector.unknown_keys(raw, ACTION_KEYS, path, what)
    data: dict[str, Any] = {k: v for k, v in raw.items() if k in ACTION_KEYS}
    data.update(name=name, namespace=namespace, workbook=workbook)
    base = raw.get("base")
    split = shorthand.split_call(base) if isinstance(base, str) and base.strip() else None
    if split is None:
        collector.add(f"{what} needs 'base': the name of the action it builds on", path, key=True)
        return None
    data["base"], params = split
    given = raw.get("base-input", {})
    if params and isinstance(given, dict):
        data["base-input"] = {**params, **given}
    if "input" in raw:
        params_spec = inputs.normalize(raw["input"], (*path, "input"), collector, what)
        if params_spec is None:
            data.pop("input")
        else:
            data["input"] = params_spec
    return collector.validate(spec.AdHocActionSpec, data, path)
