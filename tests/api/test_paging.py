"""Mistral-style collections: limit, marker, sort, fields, filters and next links."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from api.conftest import Seeder

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""


def _seed(seed: Seeder) -> list[str]:
    states = ["SUCCESS", "ERROR", "SUCCESS", "RUNNING", "SUCCESS"]
    return [seed.execution(workflow_name=f"wf{i}", state=s) for i, s in enumerate(states)]


def _follow(client: TestClient, url: str) -> list[list[dict[str, object]]]:
    pages = []
    next_url: str | None = url
    while next_url:
        body = client.get(next_url).json()
        pages.append(body["executions"])
        next_url = body.get("next")
    return pages


def test_next_links_walk_every_item_once(client: TestClient, seed: Seeder) -> None:
    """With limit=2, next links lead through 5 items in pages of 2, 2, 1."""
    ids = _seed(seed)
    pages = _follow(client, "/v2/executions?limit=2")
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [e["id"] for p in pages for e in p] == ids


def test_next_link_repeats_sort_filters_and_fields(client: TestClient, seed: Seeder) -> None:
    """The next link carries sort keys, filters, limit, marker and fields."""
    _seed(seed)
    body = client.get(
        "/v2/executions",
        params={"limit": 1, "state": "SUCCESS", "sort_keys": "workflow_name", "fields": "state"},
    ).json()
    link = body["next"]
    assert link.startswith("http://testserver/v2/executions?")
    for part in (
        "sort_keys=workflow_name",
        "sort_dirs=asc",
        "state=SUCCESS",
        "limit=1",
        "fields=id,state",
    ):
        assert part in link
    assert f"marker={body['executions'][0]['id']}" in link


def test_sort_desc(client: TestClient, seed: Seeder) -> None:
    """sort_dirs=desc reverses the order of the sort key."""
    _seed(seed)
    body = client.get("/v2/executions", params={"sort_keys": "workflow_name", "sort_dirs": "desc"})
    names = [e["workflow_name"] for e in body.json()["executions"]]
    assert names == sorted(names, reverse=True)


def test_filters_with_operators(client: TestClient, seed: Seeder) -> None:
    """eq (bare), neq: and in: filter the list."""
    _seed(seed)

    def states(value: str) -> list[str]:
        got = client.get("/v2/executions", params={"state": value}).json()["executions"]
        return sorted(e["state"] for e in got)

    assert states("SUCCESS") == ["SUCCESS"] * 3
    assert states("neq:SUCCESS") == ["ERROR", "RUNNING"]
    assert states("in:ERROR,RUNNING") == ["ERROR", "RUNNING"]


@SQLITE_ONLY
def test_fields_keep_id_and_named_fields(client: TestClient, seed: Seeder) -> None:
    """fields=state,workflow_name lists only id plus those fields."""
    _seed(seed)
    got = client.get("/v2/executions", params={"fields": "state,workflow_name"}).json()
    assert all(set(e) == {"id", "state", "workflow_name"} for e in got["executions"])


@SQLITE_ONLY
def test_no_next_link_on_a_partial_page(client: TestClient, seed: Seeder) -> None:
    """A page shorter than the limit has no next link."""
    _seed(seed)
    assert "next" not in client.get("/v2/executions", params={"limit": 10}).json()


@SQLITE_ONLY
def test_invalid_paging_parameters_are_400(client: TestClient, seed: Seeder) -> None:
    """Bad limit, sort direction, sort key, marker or filter type answer 400 or 404."""
    _seed(seed)
    assert client.get("/v2/executions", params={"limit": 0}).status_code == 400
    assert client.get("/v2/executions", params={"limit": "x"}).status_code == 400
    assert client.get("/v2/executions", params={"sort_dirs": "up"}).status_code == 400
    assert client.get("/v2/executions", params={"sort_keys": "bogus"}).status_code == 400
    assert client.get("/v2/executions", params={"sort_dirs": "asc,desc"}).status_code == 400
    assert client.get("/v2/executions", params={"marker": "nope"}).status_code == 404
    assert client.get("/v2/executions", params={"input": "not json"}).status_code == 400


def test_json_filter_matches_decoded_value(client: TestClient, seed: Seeder) -> None:
    """A filter on a JSON attribute compares the decoded JSON value."""
    wanted = seed.execution(input={"a": 1})
    seed.execution(input={"a": 2})
    got = client.get("/v2/executions", params={"input": '{"a": 1}'}).json()["executions"]
    assert [e["id"] for e in got] == [wanted]
