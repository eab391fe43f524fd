"""In a browser: answer a human step on the waiting page and see its execution finish."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import Server, screenshot

WF = """\
version: '2.0'
bonus:
  description: A manager approves a bonus, which is then paid or not.
  input:
    - employee
  output:
    approved: <% $.approved %>
    comment: <% $.comment %>
  tasks:
    approve:
      action: std.async_noop
      publish:
        approved: <% task().result.approved = true %>
        comment: <% task().result.get(comment, '') %>
      on-success:
        - pay: <% $.approved %>
        - skip_bonus: <% not $.approved %>
    pay:
      action: std.echo output="paid"
    skip_bonus:
      action: std.noop
"""


@pytest.mark.browser
def test_approve_human_step(page: Page, server: Server) -> None:
    """Approving the waiting step with a comment lets the execution reach SUCCESS."""
    server.workflow(WF)
    execution_id = server.start("bonus", input={"employee": "E-1"})
    page.goto("/ui/waiting")
    item = page.locator("[data-waiting=approve]")
    expect(item).to_be_visible()
    screenshot(page, "waiting-for-people")
    item.get_by_label("Comment").fill("Well deserved")
    item.get_by_role("button", name="Approve").click()
    expect(page.get_by_test_id("nothing-waiting")).to_be_visible()
    page.goto(f"/ui/executions/{execution_id}")
    expect(page.locator("[data-testid=execution-state] .badge")).to_have_attribute(
        "data-state", "SUCCESS"
    )
    expect(page.locator("g.node[data-task=pay]")).to_have_attribute("data-state", "SUCCESS")
    expect(page.get_by_test_id("output")).to_contain_text("Well deserved")
