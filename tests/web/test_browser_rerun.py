"""In a browser: open a failed execution and rerun its failed task with a new env."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import Server

WF = """\
version: '2.0'
needs_token:
  tasks:
    check:
      action: std.echo output=<% env().token %>
      publish:
        token: <% task().result %>
      fail-on: <% task().result = 'bad' %>
"""


@pytest.mark.browser
def test_rerun_failed_task(page: Page, server: Server) -> None:
    """The rerun form of a task in ERROR sends it again and the execution succeeds."""
    server.workflow(WF)
    execution_id = server.start("needs_token", params={"env": {"token": "bad"}})
    page.goto("/ui/executions?state=ERROR")
    page.locator(f"tr[data-execution='{execution_id}'] a").first.click()
    expect(page.locator("[data-testid=execution-state] .badge")).to_have_attribute(
        "data-state", "ERROR"
    )
    expect(page.get_by_test_id("state-info")).to_contain_text("check")
    page.get_by_text("Rerun", exact=True).click()
    page.get_by_placeholder("New env").fill('{"token": "good"}')
    page.get_by_test_id("rerun-check").click()
    expect(page.locator("[data-testid=execution-state] .badge")).to_have_attribute(
        "data-state", "SUCCESS"
    )
    expect(page.locator("g.node[data-task=check]")).to_have_attribute("data-state", "SUCCESS")
    expect(page.get_by_test_id("output")).to_contain_text("good")
