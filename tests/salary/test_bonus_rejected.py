"""A rejected bonus leaves the base salary alone, and the execution succeeds."""

from __future__ import annotations

from .conftest import Salary


def test_rejected_bonus_pays_the_base(salary: Salary) -> None:
    """The manager rejects: the salary is the base, the comment is kept, no SMS."""
    execution_id = salary.start("E-3")
    waiting = salary.waiting_approval(execution_id)
    salary.answer(waiting.id, {"approved": False, "comment": "targets missed"})
    done = salary.finish(execution_id)
    assert done.state == "SUCCESS", done.state_info
    assert done.output["salary"] == 5100
    assert done.output["bonus"] == 750
    assert done.output["approved"] is False
    assert done.output["comment"] == "targets missed"
    assert salary.standins.systems.messages == []
