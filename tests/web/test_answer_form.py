"""The waiting page's answer form: approve, reject, output and fail mean what they say."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.web import approvals


def test_answers() -> None:
    """Each decision maps to the state and output given to complete_action."""
    assert approvals.answer({"decision": "approve", "comment": " ok "}) == (
        "SUCCESS",
        {"approved": True, "comment": "ok"},
    )
    assert approvals.answer({"decision": "reject", "comment": "no"}) == (
        "SUCCESS",
        {"approved": False, "comment": "no"},
    )
    assert approvals.answer({"decision": "output", "output": '{"n": 1}'}) == ("SUCCESS", {"n": 1})
    assert approvals.answer({"decision": "fail", "comment": "bad data"}) == ("ERROR", "bad data")
    with pytest.raises(errors.InputError, match="not valid JSON"):
        approvals.answer({"decision": "output", "output": "{nope"})
