"""Ad-hoc actions, standalone and from a workbook, run through the worker."""

from __future__ import annotations

from .conftest import Harness

ADHOC = """
version: '2.0'
greet:
  input: [name]
  base: std.echo
  base-input:
    output: <% 'hi ' + $.name %>
  output: <% $ + '!' %>
"""

USES = """
version: '2.0'
uses_adhoc:
  output:
    said: <% $.said %>
  tasks:
    t:
      action: greet name='ann'
      publish: {said: <% task().result %>}
"""

WORKBOOK = """
version: '2.0'
name: book
actions:
  shout:
    input: [word]
    base: std.echo
    base-input:
      output: <% $.word + '!!' %>
workflows:
  main:
    output:
      said: <% $.said %>
    tasks:
      t:
        action: shout word='yo'
        publish: {said: <% task().result %>}
"""


def test_adhoc_action_runs_base_and_output(harness: Harness) -> None:
    """The ad-hoc action evaluates its base input and its output transform."""
    harness.adhoc_actions(ADHOC)
    run = harness.execute(USES)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"said": "hi ann!"}
    [act] = run.actions
    assert act.name == "greet"
    assert act.input == {"name": "ann"}


def test_workbook_action_resolves_within_workbook(harness: Harness) -> None:
    """A workbook workflow calls the workbook's action by its short name."""
    names = harness.workbook(WORKBOOK)
    run = harness.run(harness.start(names[0]))
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"said": "yo!!"}
