"""The salary workflow runs in memory with meltemi.testing, as its README shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from meltemi import testing
from meltemi.engine import commands

from .conftest import EXAMPLE

FETCHED: dict[str, Sequence[Mapping[str, Any]]] = {
    "get_base": [{"output": {"content": {"base": 4200}}}],
    "get_bonus": [{"output": {"content": {"bonus": 300}}}],
}


def _waiting() -> testing.Driver:
    spec, _ = testing.load((EXAMPLE / "salary.yaml").read_text())
    driver = testing.Driver(spec, results=FETCHED)
    driver.start({"employee_id": "E-1"})
    record = driver.run()
    assert record.status == "RUNNING"
    assert record.task_states("approve") == ["RUNNING"]
    return driver


def test_approval_adds_the_bonus() -> None:
    """Approved: the salary is base + bonus."""
    driver = _waiting()
    driver.complete("approve", {"approved": True, "comment": "ok"})
    record = driver.run()
    assert record.status == "SUCCESS"
    assert record.output["salary"] == 4500
    assert record.sequence == ["get_base", "get_bonus", "approve", "pay_with_bonus"]


def test_rejection_pays_the_base() -> None:
    """Rejected: the salary is the base alone and the execution succeeds."""
    driver = _waiting()
    driver.complete("approve", {"approved": False, "comment": "no"})
    record = driver.run()
    assert record.status == "SUCCESS"
    assert record.output["salary"] == 4200
    assert record.sequence[-1] == "pay_base_only"


def test_failed_fetch_sends_the_sms_then_fails() -> None:
    """A failing system runs alert_admin with the SMS naming the task, then fails."""
    results = {**FETCHED, "get_bonus": [{"error": {"status": 503}}]}
    record = testing.run_until_done(
        (EXAMPLE / "salary.yaml").read_text(),
        {"employee_id": "E-1"},
        results={**results, "alert_admin": [{"output": {"status": 201}}]},
    )
    assert record.status == "ERROR"
    sms = record.task("alert_admin")
    assert sms.state == "SUCCESS"
    [send] = [
        c
        for c in record.commands
        if isinstance(c, commands.RunAction) and c.task_name == "alert_admin"
    ]
    assert send.input["json"]["text"] == "Salary of E-1 failed at get_bonus"


def test_base_and_bonus_are_fetched_in_parallel() -> None:
    """Both fetches start before either answers; approval waits for both (join)."""
    spec, _ = testing.load((EXAMPLE / "salary.yaml").read_text())
    slow = {"get_base": [{"pending": True}], "get_bonus": [{"pending": True}]}
    driver = testing.Driver(spec, results=slow)
    driver.start({"employee_id": "E-1"})
    record = driver.run()
    started = [c.task_name for c in record.commands if isinstance(c, commands.RunAction)]
    assert started == ["get_base", "get_bonus"]
    driver.complete("get_bonus", {"content": {"bonus": 300}})
    assert driver.run().task_states("approve") == ["WAITING"]
    driver.complete("get_base", {"content": {"base": 4200}})
    assert driver.run().task_states("approve") == ["RUNNING"]
