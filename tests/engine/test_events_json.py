"""Every event type round-trips through events.to_json / events.from_json."""

from __future__ import annotations

import json

from meltemi.engine import events

SAMPLES: list[events.Event] = [
    events.StartExecution(),
    events.ActionSucceeded("a1", {"x": [1, 2]}),
    events.ActionFailed("a1", "boom"),
    events.ActionInterrupted("a1"),
    events.SubworkflowFinished("c1", "ERROR", {"result": "no"}, "no"),
    events.WaitBeforeElapsed("t1"),
    events.WaitAfterElapsed("t1"),
    events.RetryDue("t1", 2, 3),
    events.TaskTimedOut("t1", 1),
    events.Pause(),
    events.Resume({"k": "v"}),
    events.Cancel("stop"),
    events.RerunTask("t1", reset=False, env=None),
    events.SkipTask("t1", {"k": "v"}),
]


def test_every_event_round_trips() -> None:
    """Each sample, and so each event type, survives a JSON round trip."""
    assert {type(e) for e in SAMPLES} == set(events.EVENT_TYPES.values())
    for event in SAMPLES:
        assert events.from_json(json.loads(json.dumps(events.to_json(event)))) == event
