"""Test helpers shipped with Meltemi, for its own tests and for users (STYLE 6).

* :func:`run_until_done` and :class:`Driver` drive the pure engine in memory: scripted
  action outcomes, the instant std actions run for real, sub-workflows in memory,
  timers fired by a :class:`FakeClock`::

      record = run_until_done(text, {"n": 3}, results={"fetch": [{"error": "boom"}]})
      assert record.state == "SUCCESS"

* :func:`action_context`, :func:`call_action` and :class:`ScriptedAction` test action
  plugins without a workflow.
* :func:`live_server` runs a whole server (API and worker) in a thread for end-to-end
  tests.
"""

from __future__ import annotations

from meltemi.testing.actions import (
    FAKE_ACTION_EXECUTION_ID,
    FAKE_EXECUTION_ID,
    FAKE_TASK_ID,
    ScriptedAction,
    action_context,
    call_action,
    call_action_sync,
)
from meltemi.testing.driver import (
    ASYNC_FAKES,
    Driver,
    FakeClock,
    Record,
    load,
    run_until_done,
    std_actions,
)
from meltemi.testing.server import LiveServer, live_server

__all__ = [
    "ASYNC_FAKES",
    "FAKE_ACTION_EXECUTION_ID",
    "FAKE_EXECUTION_ID",
    "FAKE_TASK_ID",
    "Driver",
    "FakeClock",
    "LiveServer",
    "Record",
    "ScriptedAction",
    "action_context",
    "call_action",
    "call_action_sync",
    "live_server",
    "load",
    "run_until_done",
    "std_actions",
]
