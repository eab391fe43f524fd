"""In a browser: start an execution from a workflow's form and watch its graph finish."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import Server, screenshot

WF = """\
version: '2.0'
greet:
  description: Say hello, then shout it.
  input:
    - name
    - punctuation: "!"
  output:
    text: <% $.shout %>
  tasks:
    hello:
      action: std.echo output=<% 'Hello, ' + $.name + $.punctuation %>
      publish:
        greeting: <% task().result %>
      on-success:
        - shout
    shout:
      action: std.echo output=<% $.greeting.toUpper() %>
      publish:
        shout: <% task().result %>
"""


@pytest.mark.browser
def test_start_from_form_and_watch_graph(page: Page, server: Server) -> None:
    """The start form creates an execution whose live graph reaches SUCCESS."""
    server.workflow(WF)
    page.goto("/ui/workflows")
    page.get_by_role("link", name="greet").click()
    page.get_by_label("name").fill("Meltemi")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("[data-testid=execution-state] .badge")).to_have_attribute(
        "data-state", "SUCCESS"
    )
    for task in ("hello", "shout"):
        expect(page.locator(f"g.node[data-task={task}]")).to_have_attribute("data-state", "SUCCESS")
    expect(page.get_by_test_id("output")).to_contain_text("HELLO, MELTEMI!")
    screenshot(page, "execution-graph")
