"""run_until_done runs real plugin definitions and scripted fakes by action name."""

from __future__ import annotations

from meltemi import actions, testing

from .conftest import refuse, slugify

FLOW = """
version: '2.0'
publishing:
  input: [title]
  output: {slug: <% $.slug %>}
  tasks:
    make_slug:
      action: sample.slugify text=<% $.title %>
      publish: {slug: <% task().result %>}
      on-success: [announce]
    announce:
      action: chat.post text=<% $.slug %>
"""

REFUSING = """
version: '2.0'
refusing:
  tasks:
    ask:
      action: sample.refuse reason='no'
      publish-on-error: {why: <% task().result.reason %>}
      on-error: [handle]
    handle:
      action: std.echo output=<% $.why %>
"""


def test_plugin_and_scripted_fake_in_a_workflow() -> None:
    """The plugin really runs; the scripted fake records what the workflow sent it."""
    chat = testing.ScriptedAction("chat.post", [{"output": "posted"}])
    defs = {"sample.slugify": actions.definition_of(slugify), "chat.post": chat.definition}
    record = testing.run_until_done(FLOW, {"title": "Big News"}, actions=defs)
    assert record.status == "SUCCESS", record.state_info
    assert record.output == {"slug": "big-news"}
    assert chat.calls == [{"text": "big-news"}]


def test_plugin_failure_reaches_on_error_with_its_data() -> None:
    """A plugin's ActionError data is the task's error value in on-error."""
    record = testing.run_until_done(
        REFUSING, actions={"sample.refuse": actions.definition_of(refuse)}
    )
    assert record.status == "SUCCESS", record.state_info
    assert record.task_states("ask") == ["ERROR"]
    assert record.task("handle").result == "no"
