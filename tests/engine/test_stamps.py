"""Times written into the state are the ISO text of the ``now`` each step is given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from meltemi import engine
from meltemi.engine import events
from meltemi.testing import load

SPEC, _ = load("""
version: '2.0'
stamped:
  tasks:
    a:
      action: std.noop
""")


def test_equal_times_in_other_zones_keep_their_own_text() -> None:
    """The same instant given in two zones is written as each was given."""
    utc = datetime(2024, 1, 1, 12, tzinfo=UTC)
    paris = utc.astimezone(timezone(timedelta(hours=1)))
    assert utc == paris
    for now in (utc, paris, utc):
        state = engine.initial_state(SPEC, execution_id="e", input={}, now=now)
        started = engine.decide(SPEC, state, events.StartExecution(), now).state
        assert [t.created_at for t in started.tasks.values()] == [now.isoformat()]
