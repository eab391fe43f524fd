"""Workbooks: qualified names, workbook recorded on each spec, section checks."""

from __future__ import annotations

import textwrap

import pytest

from meltemi import errors, lang
from meltemi.lang import spec

WORKBOOK = textwrap.dedent(
    """\
    version: '2.0'
    name: wb
    description: A book
    tags: [t]
    actions:
      greet:
        base: std.echo output="hi"
    workflows:
      version: '2.0'
      main:
        tasks:
          t1:
            action: greet
            on-success: t2
          t2:
            workflow: helper
      helper:
        type: reverse
        tasks:
          a: {action: std.noop}
    """
)


def test_qualified_names_and_workbook_field() -> None:
    """Workflows and actions are keyed and named wb.name and remember their workbook."""
    book = lang.load_workbook(WORKBOOK, namespace="ns")
    assert (book.name, book.description, book.tags, book.namespace) == (
        "wb",
        "A book",
        ("t",),
        "ns",
    )
    assert list(book.workflows) == ["wb.main", "wb.helper"]
    assert list(book.actions) == ["wb.greet"]
    main = book.workflows["wb.main"]
    assert (main.name, main.workbook, main.namespace) == ("wb.main", "wb", "ns")
    assert book.actions["wb.greet"] == spec.AdHocActionSpec(
        name="wb.greet", base="std.echo", base_input={"output": "hi"}, namespace="ns", workbook="wb"
    )


def test_task_names_are_not_qualified() -> None:
    """Task action/workflow references are kept as written; the engine resolves them."""
    main = lang.load_workbook(WORKBOOK).workflows["wb.main"]
    assert (main.tasks["t1"].action, main.tasks["t2"].workflow) == ("greet", "helper")


def test_load_any_detects_workbook() -> None:
    """load_any returns a WorkbookSpec for a workbook text."""
    assert isinstance(lang.load_any(WORKBOOK), spec.WorkbookSpec)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "version: '2.0'\nname: wb\ntriggers: {}\nworkflows:\n  wf:\n    tasks:\n      t1: {action: std.noop}\n",
            [(3, 1, "unknown key 'triggers' in the workbook")],
        ),
        (
            "version: '2.0'\nworkflows:\n  wf:\n    tasks:\n      t1: {action: std.noop}\n",
            [(1, 1, "a workbook needs a 'name'")],
        ),
        (
            "version: '2.0'\nname: wb\nworkflows: []\n",
            [(3, 1, "'workflows' of the workbook must be a non-empty mapping")],
        ),
        (
            "version: '2.0'\nname: wb\nworkflows:\n  wf:\n    tasks:\n      t1: {on-success: gone}\n",
            [(6, 24, "transition to unknown task 'gone' (in task 't1')")],
        ),
        (
            "version: '1.0'\nname: wb\nworkflows:\n  wf:\n    tasks:\n      t1: {action: std.noop}\n",
            [(1, 10, "unsupported DSL version '1.0': only '2.0' is")],
        ),
        (
            "version: '2.0'\nname: wb\nactions:\n  a1:\n    output: 1\n",
            [(4, 3, "action 'wb.a1' needs 'base': the name of the action it builds on")],
        ),
    ],
)
def test_invalid_workbooks(text: str, expected: list[tuple[int, int, str]]) -> None:
    """Invalid workbooks are rejected with positioned problems."""
    with pytest.raises(errors.DefinitionError) as caught:
        lang.load_workbook(text)
    assert [(p.line, p.col, p.message) for p in caught.value.problems] == expected
