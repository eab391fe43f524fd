"""Ids of new task and action executions are the uuid5 of the execution id and a counter."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from meltemi.engine import step


@given(execution_id=st.uuids().map(str) | st.text(max_size=40), counter=st.integers(0, 10**9))
def test_ids_are_uuid5_of_the_execution_and_counter(execution_id: str, counter: int) -> None:
    """step.uuid5 over step.namespace gives what the uuid module gives."""
    try:
        base = uuid.UUID(execution_id)
    except ValueError:
        base = uuid.uuid5(uuid.NAMESPACE_URL, execution_id)
    expected = str(uuid.uuid5(base, str(counter)))
    assert step.uuid5(step.namespace(execution_id), str(counter)) == expected
