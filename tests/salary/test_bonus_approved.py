"""An approved bonus is paid on top of the base salary."""

from __future__ import annotations

from .conftest import Salary


def test_approved_bonus_is_added(salary: Salary) -> None:
    """Base and bonus are fetched, the manager approves, the salary is base + bonus."""
    execution_id = salary.start("E-1")
    waiting = salary.waiting_approval(execution_id)
    assert salary.execution(execution_id).state == "RUNNING"
    salary.answer(waiting.id, {"approved": True, "comment": "well deserved"})
    done = salary.finish(execution_id)
    assert done.state == "SUCCESS", done.state_info
    assert done.output == {
        "employee_id": "E-1",
        "base": 4200,
        "bonus": 300,
        "approved": True,
        "comment": "well deserved",
        "salary": 4500,
    }
    assert salary.standins.systems.messages == []
