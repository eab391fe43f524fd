"""Every definition of the shared conformance corpus loads, or is rejected when expected."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from meltemi import errors, lang

CASES = Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance" / "cases"
if not CASES.is_dir():
    # CI runs with shared/ beside the clone: there the corpus must be checked.
    message = f"conformance cases not found at {CASES}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.append(pytest.param(case, id=case["id"]))
    return found


def _load(case: dict[str, Any]) -> None:
    if case.get("actions_definition"):
        lang.load_actions(case["actions_definition"], source=f"{case['id']}:actions")
    if case["kind"] == "workbook":
        lang.load_workbook(case["definition"], source=case["id"])
    else:
        lang.load_workflows(case["definition"], source=case["id"])


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict[str, Any]) -> None:
    """Rejected cases fail with positioned problems; all others load."""
    if not case.get("expect", {}).get("reject"):
        _load(case)
        return
    with pytest.raises(errors.DefinitionError) as caught:
        _load(case)
    assert caught.value.problems
    assert all(p.line is not None and p.col is not None for p in caught.value.problems)
