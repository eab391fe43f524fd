"""The state machine tables allow exactly the transitions they list."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.engine import states

MACHINES = [
    ("workflow execution", states.WORKFLOW_TRANSITIONS),
    ("task execution", states.TASK_TRANSITIONS),
    ("action execution", states.ACTION_TRANSITIONS),
]


@pytest.mark.parametrize(("kind", "table"), MACHINES)
def test_listed_transitions_are_allowed(kind: str, table: dict[str, frozenset[str]]) -> None:
    """Every transition listed in a table passes check_transition."""
    for old, targets in table.items():
        for new in targets:
            states.check_transition(kind, old, new)


@pytest.mark.parametrize(("kind", "table"), MACHINES)
def test_unlisted_transitions_are_refused(kind: str, table: dict[str, frozenset[str]]) -> None:
    """Every transition not listed (other than staying put) raises TransitionError."""
    refused = 0
    for old, targets in table.items():
        for new in set(table) - targets - {old}:
            with pytest.raises(errors.TransitionError) as caught:
                states.check_transition(kind, old, new)
            assert (caught.value.old, caught.value.new) == (old, new)
            refused += 1
    assert refused > 0


def test_finished_workflow_stays_finished() -> None:
    """A SUCCESS or CANCELLED execution can not run again."""
    for final in (states.WorkflowState.SUCCESS, states.WorkflowState.CANCELLED):
        with pytest.raises(errors.TransitionError):
            states.check_transition("workflow execution", final, states.WorkflowState.RUNNING)
