"""An error at any stage sends an SMS to the administrator and fails the execution."""

from __future__ import annotations

import pytest

from meltemi.worker import control

from .conftest import Salary

FAILED = "Salary process failed; the administrator was alerted"


def test_broken_bonus_system_sends_an_sms(salary: Salary) -> None:
    """The bonus system answers 503: the SMS names the task, nobody is asked to approve."""
    salary.standins.systems.bonus_broken = True
    execution_id = salary.start("E-1")
    done = salary.finish(execution_id)
    assert done.state == "ERROR"
    assert done.state_info == FAILED
    assert salary.standins.systems.messages == [
        {"id": 1, "to": "+30 210 555 0100", "text": "Salary of E-1 failed at get_bonus"}
    ]
    assert salary.actions_of(execution_id, "approve") == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_unknown_employee_sends_an_sms(salary: Salary) -> None:
    """The accounting system answers 404 for an unknown employee: the SMS names get_base."""
    done = salary.finish(salary.start("E-404"))
    assert done.state == "ERROR"
    [sms] = salary.standins.systems.messages
    assert sms["text"] == "Salary of E-404 failed at get_base"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_failed_approval_step_sends_an_sms(salary: Salary) -> None:
    """An approval completed with an error fails the step: the SMS names approve."""
    execution_id = salary.start("E-2")
    waiting = salary.waiting_approval(execution_id)
    control.complete_action(salary.rt, waiting.id, state="ERROR", output="approver on leave")
    done = salary.finish(execution_id)
    assert done.state == "ERROR"
    [sms] = salary.standins.systems.messages
    assert sms["text"] == "Salary of E-2 failed at approve"
