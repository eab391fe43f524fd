"""Fixtures for the expression tests: a fake of the engine's Facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from meltemi import expr

TASKS: list[dict[str, Any]] = [
    {
        "id": "t1-id",
        "name": "t1",
        "spec": {"action": "std.echo"},
        "state": "SUCCESS",
        "state_info": None,
        "result": {"x": 1},
        "published": {"p": 2},
        "workflow_execution_id": "wf-1",
    },
    {
        "id": "bad-id",
        "name": "bad",
        "spec": {"action": "std.fail"},
        "state": "ERROR",
        "state_info": "boom",
        "result": "Some data",
        "published": {},
        "workflow_execution_id": "wf-1",
    },
]
EXECUTIONS: list[dict[str, Any]] = [
    {"id": "wf-1", "name": "main", "state": "RUNNING", "root_execution_id": None},
    {"id": "wf-2", "name": "child", "state": "SUCCESS", "root_execution_id": "wf-1"},
]


class FakeFacts:
    """Facts over two fixed task executions and two workflow executions."""

    def __init__(self, current: str = "t1") -> None:
        self.current = current

    def task(self, name: str | None) -> Mapping[str, Any] | None:
        wanted = name or self.current
        found = [t for t in TASKS if t["name"] == wanted]
        return found[-1] if found else None

    def tasks(
        self, workflow_execution_id: str | None, recursive: bool, state: str | None, flat: bool
    ) -> Sequence[Mapping[str, Any]]:
        return [
            t
            for t in TASKS
            if workflow_execution_id in {None, t["workflow_execution_id"]}
            and state in {None, t["state"]}
        ]

    def executions(
        self,
        id: str | None,  # noqa: A002
        root_execution_id: str | None,
        state: str | None,
        from_time: str | None,
        to_time: str | None,
    ) -> Sequence[Mapping[str, Any]]:
        return [
            e
            for e in EXECUTIONS
            if id in {None, e["id"]}
            and root_execution_id in {None, e["root_execution_id"]}
            and state in {None, e["state"]}
        ]


DATA: dict[str, Any] = {
    "n": 3,
    "who": "Neo",
    "names": ["a", "b", "c"],
    "nums": [3, 1, 2],
    "flag": True,
    "cfg": {"x": 1, "y": 2},
    "x": {"y": 5},
    "items": [1, 2],
    "word": "mistral",
    "nothing": None,
}


@pytest.fixture
def ctx() -> expr.Context:
    """A context over DATA, with an env, an execution, globals and fake facts."""
    return expr.Context(
        data=DATA,
        env={"region": "eu"},
        execution={"id": "wf-1", "name": "main", "input": {"k": "v"}, "root_execution_id": None},
        globals={"g": 42},
        facts=FakeFacts(),
    )
