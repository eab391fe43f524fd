"""A lost network to PostgreSQL loses nothing: the worker waits it out, the workflow
finishes once the database answers again, and no action runs twice; meanwhile the API
answers 503, not 500."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from meltemi import actions
from meltemi.api import create_app
from meltemi.settings import Settings
from meltemi.store import db as store_db
from meltemi.store.db import Database

from .conftest import Calls, Harness, counting_action, registry_with
from .netcut import Proxy

pytestmark = pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
"""A network outage concerns PostgreSQL: SQLite is a file of this process."""

OUTAGE_SECONDS = 1.5

FLOW = """
version: '2.0'
through_an_outage:
  tasks:
    before:
      action: test.count value=1
      on-success: [cut]
    cut:
      action: net.cut
      on-success: [after]
    after:
      action: test.count value=3
      on-success: [last]
    last:
      action: test.count value=4
"""


@pytest.fixture
def proxy(db_url: str) -> Iterator[Proxy]:
    """A cuttable proxy in front of this test's PostgreSQL server."""
    cut = Proxy(sa.make_url(db_url).port or 5432)
    yield cut
    cut.close()


@pytest.fixture
def proxied(db_url: str, proxy: Proxy) -> Iterator[Database]:
    """The test database, reached through ``proxy``."""
    url = sa.make_url(db_url).set(port=proxy.port).render_as_string(hide_password=False)
    database = store_db.open_database(url)
    yield database
    database.close()


def cutting_action(proxy: Proxy, cuts: list[str]) -> actions.ActionDef:
    """``net.cut``: cuts the network to the database for :data:`OUTAGE_SECONDS`."""

    @actions.action(name="net.cut")
    def cut() -> str:
        cuts.append("cut")
        proxy.cut()
        threading.Timer(OUTAGE_SECONDS, proxy.restore).start()
        return "cut"

    return actions.definition_of(cut)


def test_workflow_goes_on_after_the_network_comes_back(
    proxied: Database, proxy: Proxy, calls: Calls
) -> None:
    """An outage right after an action ran: its result is recorded once the database is
    back, the next tasks run, and every action ran exactly once."""
    cuts: list[str] = []
    registry = registry_with(counting_action(calls), cutting_action(proxy, cuts))
    settings = Settings(db_url="postgresql://", poll_seconds=0.5, worker_concurrency=8)
    harness = Harness(proxied, settings, registry)

    run = harness.execute(FLOW)

    assert run.state == "SUCCESS", run.execution.state_info
    assert calls.seen == [1, 3, 4]
    assert cuts == ["cut"]
    assert [(a.task_name, a.state, a.attempt) for a in run.actions] == [
        ("before", "SUCCESS", 1),
        ("cut", "SUCCESS", 1),
        ("after", "SUCCESS", 1),
        ("last", "SUCCESS", 1),
    ]
    assert proxy.refused > 0  # the worker did try, and was refused, while it was cut


def test_api_answers_503_while_the_database_is_unreachable(proxied: Database, proxy: Proxy) -> None:
    """Requests during the outage get Mistral's fault body with 503; after it, 200."""
    app = create_app(Settings(db_url="postgresql://"), proxied)
    with TestClient(app) as client:
        assert client.get("/v2/executions").status_code == 200
        proxy.cut()
        during = client.get("/v2/executions")
        proxy.restore()
        after = client.get("/v2/executions")
    assert during.status_code == 503
    assert "database is unreachable" in during.json()["faultstring"]
    assert during.json()["faultcode"] == "Server"
    assert after.status_code == 200
