"""Ad-hoc actions: input defaults, base-input, base chains and output, stage errors."""

from __future__ import annotations

from typing import Any

import pytest

from meltemi import actions
from meltemi.lang import spec

WB = "wb"
CONCAT = spec.AdHocActionSpec(
    name=f"{WB}.concat_twice",
    base="std.echo",
    base_input={"output": "<% $.s1 %>+<% $.s2 %>"},
    input=(spec.InputParam(name="s1", has_default=True, default="a"), spec.InputParam(name="s2")),
    output="<% $ %> and <% $ %>",
    workbook=WB,
)
NESTED = spec.AdHocActionSpec(
    name=f"{WB}.nested_concat",
    base=f"{WB}.concat_twice",
    base_input={"s2": "{{ _.n2 }}"},
    input=(spec.InputParam(name="n2", has_default=True, default="b"),),
    output={"nested_concat": "{{ _ }}"},
    workbook=WB,
)
LOCAL = spec.AdHocActionSpec(
    name=f"{WB}.local", base="concat_twice", base_input={"s2": "z"}, workbook=WB
)
PRINT_ENV = spec.AdHocActionSpec(
    name="print_env", base="std.echo", base_input={"output": "{{ env().foo }}"}
)
NO_BASE = spec.AdHocActionSpec(name="no_base", base="wrong_base")
BAD_OUTPUT = spec.AdHocActionSpec(
    name="bad_output", base="std.echo", base_input={"output": 1}, output="<% no_such_fn() %>"
)
FAILING = spec.AdHocActionSpec(name="failing", base="std.fail", base_input={"error_data": "E"})
ADHOC = {a.name: a for a in (CONCAT, NESTED, LOCAL, PRINT_ENV, NO_BASE, BAD_OUTPUT, FAILING)}
REGISTRY = actions.Registry.default(plugins=False)


def lookup(name: str) -> actions.ActionDef | spec.AdHocActionSpec | None:
    return ADHOC.get(name) or REGISTRY.find(name)


async def run(
    name: str, given: dict[str, Any], env: dict[str, Any] | None = None
) -> actions.Outcome:
    definition = actions.adhoc.runnable(name, lookup, workbook=WB)
    ctx = actions.ActionContext(env=env or {})
    return await actions.run_action(definition, given, ctx)


@pytest.mark.anyio
async def test_base_input_and_output_are_evaluated() -> None:
    """Input goes through base-input into std.echo; output transforms the result."""
    assert await run("concat_twice", {"s1": "x", "s2": "y"}) == actions.Succeeded("x+y and x+y")


@pytest.mark.anyio
async def test_declared_defaults_apply() -> None:
    """A declared default fills in a missing input."""
    assert await run("concat_twice", {"s2": "y"}) == actions.Succeeded("a+y and a+y")


@pytest.mark.anyio
async def test_nested_adhoc_applies_inner_then_outer_output() -> None:
    """An ad-hoc action based on another one applies both outputs, inner first."""
    outcome = await run("nested_concat", {})
    assert outcome == actions.Succeeded({"nested_concat": "a+b and a+b"})


@pytest.mark.anyio
async def test_base_name_is_resolved_workbook_first() -> None:
    """A bare base name finds the action of the same workbook."""
    assert await run("local", {}) == actions.Succeeded("a+z and a+z")


@pytest.mark.anyio
async def test_base_input_sees_env() -> None:
    """base-input expressions can read env()."""
    assert await run("print_env", {}, env={"foo": "bar"}) == actions.Succeeded("bar")


@pytest.mark.anyio
async def test_missing_required_input_is_invalid_input() -> None:
    """A declared input without default must be given."""
    outcome = await run("concat_twice", {})
    assert isinstance(outcome, actions.Failed)
    assert outcome.message.startswith("Invalid input")
    assert "'s2'" in outcome.message


@pytest.mark.anyio
async def test_missing_base_fails_at_run_time() -> None:
    """An unknown base action fails the run, naming both actions."""
    outcome = await run("no_base", {})
    assert isinstance(outcome, actions.Failed)
    assert "Failed to find action [name=wrong_base]" in outcome.message
    assert "no_base" in outcome.message


@pytest.mark.anyio
async def test_output_evaluation_error_names_the_stage() -> None:
    """An error evaluating output fails with the action and stage named."""
    outcome = await run("bad_output", {})
    assert isinstance(outcome, actions.Failed)
    assert "'bad_output'" in outcome.message
    assert "output" in outcome.message


@pytest.mark.anyio
async def test_base_failure_keeps_its_error_data() -> None:
    """A failing base action fails the ad-hoc action with the base's error data."""
    outcome = await run("failing", {})
    assert isinstance(outcome, actions.Failed)
    assert outcome.data == "E"
    assert "'failing'" in outcome.message
    assert "std.fail" in outcome.message
