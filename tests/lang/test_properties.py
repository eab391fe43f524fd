"""Property: whatever the input, the loaders raise nothing but DefinitionError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from meltemi import errors, lang

LOADERS: list[Callable[..., Any]] = [
    lang.load_any,
    lang.load_workflows,
    lang.load_workbook,
    lang.load_actions,
]

_KEYS = st.sampled_from(
    [
        "version",
        "name",
        "tasks",
        "type",
        "input",
        "output",
        "action",
        "workflow",
        "on-success",
        "on-error",
        "on-complete",
        "join",
        "requires",
        "retry",
        "with-items",
        "publish",
        "task-defaults",
        "workflows",
        "actions",
        "base",
        "next",
        "fail",
        "t1",
        "t2",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "2.0",
            "t1",
            "t2",
            "std.noop",
            "<% $.x %>",
            "{{ _.y }}",
            "x in [1]",
            "fail msg=1",
            "count=1 delay=1",
            "<% %>",
            "direct",
            "reverse",
            "all",
        ]
    ),
    st.text(max_size=10),
)
_DATA = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=30,
)


def _only_definition_errors(text: str) -> None:
    for load in LOADERS:
        try:
            load(text)
        except errors.DefinitionError as exc:
            problems = exc.problems
            assert problems


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text(text: str) -> None:
    """Arbitrary text never makes a loader raise anything else."""
    _only_definition_errors(text)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_KEYS, _DATA, max_size=6), st.sampled_from(["2.0", 2.0, None]))
def test_arbitrary_nested_data(data: dict[str, Any], version: object) -> None:
    """Arbitrary DSL-shaped data never makes a loader raise anything else."""
    if version is not None:
        data = {"version": version, **data}
    _only_definition_errors(yaml.safe_dump(data))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_KEYS, _DATA, max_size=4), st.dictionaries(_KEYS, _DATA, max_size=4))
def test_arbitrary_tasks(task1: dict[str, Any], task2: dict[str, Any]) -> None:
    """Arbitrary task bodies inside a valid frame never raise anything else."""
    doc = {"version": "2.0", "wf": {"tasks": {"t1": task1, "t2": task2}}}
    _only_definition_errors(yaml.safe_dump(doc))
