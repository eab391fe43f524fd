"""Invalid workflow documents: each problem has its exact message and line:col."""

from __future__ import annotations

import pytest

from meltemi import errors, lang

HEAD = "version: '2.0'\nwf:\n  tasks:\n    t1:\n"
"""Lines 1-4; task keys of t1 start on line 5, column 7."""


def _problems(text: str) -> list[tuple[int | None, int | None, str]]:
    with pytest.raises(errors.DefinitionError) as caught:
        lang.load_workflows(text, source="wf.yaml")
    assert {p.source for p in caught.value.problems} == {"wf.yaml"}
    return [(p.line, p.col, p.message) for p in caught.value.problems]


CASES = [
    # task keys
    (
        HEAD + "      acton: std.noop\n",
        [(5, 7, "unknown key 'acton' in task 't1' (did you mean 'action'?)")],
    ),
    (
        HEAD + "      action: std.noop\n      workflow: wf2\n",
        [(6, 7, "task 't1' has both 'action' and 'workflow'; keep one")],
    ),
    (
        HEAD + "      action: 5\n",
        [(5, 15, "'action' of task 't1' must be a name, optionally with parameters")],
    ),
    (HEAD + "      description: 5\n", [(5, 20, "invalid 'description': should be a valid string")]),
    (
        HEAD + "      input: [1]\n",
        [(5, 7, "invalid 'input': should be a valid dictionary or should be a valid string")],
    ),
    (
        HEAD + "      requires: [t0]\n",
        [(5, 7, "'requires' of task 't1' is only allowed in reverse workflows")],
    ),
    (HEAD + "      publish: 3\n", [(5, 16, "'publish' of task 't1' must be a non-empty mapping")]),
    (
        HEAD + "      with-items: x of [1]\n",
        [
            (
                5,
                19,
                "invalid 'with-items' of task 't1': 'x of [1]' is not of the form 'var in <% $.list %>' or 'var in [1, 2]'",
            )
        ],
    ),
    (
        HEAD + "      with-items: x in $.xs\n",
        [
            (
                5,
                19,
                "invalid 'with-items' of task 't1': '$.xs' is neither an expression nor a [...] list",
            )
        ],
    ),
    (
        HEAD + "      with-items: ['x in [1]', 'x in [2]']\n",
        [(5, 32, "'with-items' of task 't1' uses 'x' twice")],
    ),
    # policies
    (
        HEAD + "      timeout: -3\n",
        [(5, 16, "'timeout' of task 't1' must be a non-negative number or an expression")],
    ),
    (
        HEAD + "      wait-after: '1'\n",
        [(5, 19, "'wait-after' of task 't1' must be a non-negative number or an expression")],
    ),
    (
        HEAD + "      concurrency: 1.5\n",
        [(5, 20, "'concurrency' of task 't1' must be a non-negative integer or an expression")],
    ),
    (
        HEAD + "      keep-result: 'no'\n",
        [(5, 20, "'keep-result' of task 't1' must be true, false or an expression")],
    ),
    (
        HEAD + "      pause-before: 1\n",
        [(5, 21, "'pause-before' of task 't1' must be true, false or an expression")],
    ),
    (
        HEAD + "      join: '2'\n",
        [(5, 13, "'join' of task 't1' must be 'all', 'one' or a positive integer")],
    ),
    (HEAD + "      retry: count=3\n", [(5, 14, "'retry' of task 't1' needs 'delay'")]),
    (
        HEAD + "      retry: three times\n",
        [(5, 14, "'retry' of task 't1' must be a mapping or 'count=N delay=SECONDS'")],
    ),
    (
        HEAD + "      retry: {count: 1, delay: 1, break-on: x}\n",
        [(5, 45, "'retry.break-on' of task 't1' must be an expression")],
    ),
    (
        HEAD + "      retry: {count: 1, delay: 1, every: 2}\n",
        [(5, 35, "unknown key 'every' in 'retry' of task 't1'")],
    ),
    # workflow keys
    (
        "version: '2.0'\nwf:\n  tpye: direct\n  tasks:\n    t1: {}\n",
        [
            (3, 3, "unknown key 'tpye' in workflow 'wf' (did you mean 'type'?)"),
            (5, 5, "task 't1' must be a non-empty mapping"),
        ],
    ),
    (
        "version: '2.0'\nwf:\n  type: circular\n  tasks:\n    t1: {action: std.noop}\n",
        [(3, 9, "type 'circular' of workflow 'wf' is invalid: use 'direct' or 'reverse'")],
    ),
    ("version: '2.0'\nwf:\n  tasks: {}\n", [(3, 3, "workflow 'wf' has no tasks")]),
    ("version: '2.0'\nwf:\n  description: x\n", [(2, 1, "workflow 'wf' has no tasks")]),
    (
        "version: '2.0'\nwf:\n  input: x\n  tasks:\n    t1: {}\n",
        [
            (3, 10, "'input' of workflow 'wf' must be a list of names or 'name: default'"),
            (5, 5, "task 't1' must be a non-empty mapping"),
        ],
    ),
    (
        "version: '2.0'\nwf:\n  input: [a, {a: 1}]\n  tasks:\n    t1: {action: std.noop}\n",
        [(3, 14, "input 'a' of workflow 'wf' is declared twice")],
    ),
    (
        "version: '2.0'\nwf:\n  input:\n    - a: 1\n      b: 2\n  tasks:\n    t1: {action: std.noop}\n",
        [
            (
                4,
                7,
                "an input entry of workflow 'wf' must have exactly one key (name: default), not 'a', 'b'",
            )
        ],
    ),
    (
        "version: '2.0'\nwf:\n  vars: [1]\n  output: 3\n  tasks:\n    t1: {action: std.noop}\n",
        [
            (3, 3, "'vars' of workflow 'wf' must be a mapping"),
            (4, 11, "'output' of workflow 'wf' must be a mapping or an expression"),
        ],
    ),
    (
        "version: '2.0'\n0b7c0b6e-4c2a-4b8a-9b0e-2f1d3c4b5a69:\n  tasks:\n    t1: {action: std.noop}\n",
        [
            (
                2,
                1,
                "workflow '0b7c0b6e-4c2a-4b8a-9b0e-2f1d3c4b5a69': a workflow name can not look like a UUID",
            )
        ],
    ),
    (
        "version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: std.noop\n    t1:\n      action: std.echo\n",
        [(6, 5, "duplicate key 't1' (first defined at line 4)")],
    ),
    # versions
    (
        "wf:\n  tasks:\n    t1: {action: std.noop}\n",
        [(1, 1, "missing 'version': add version: '2.0' at the top")],
    ),
    (
        "version: '1.0'\nwf:\n  tasks:\n    t1: {action: std.noop}\n",
        [(1, 10, "unsupported DSL version '1.0': only '2.0' is")],
    ),
    (
        "version: true\nwf:\n  tasks:\n    t1: {action: std.noop}\n",
        [(1, 10, "unsupported DSL version 'True': only '2.0' is")],
    ),
    ("version: '2.0'\n", [(1, 1, "the document defines no workflow")]),
    ("- a\n", [(1, 1, "a definition must be a YAML mapping with 'version: 2.0'")]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_invalid(text: str, expected: list[tuple[int, int, str]]) -> None:
    """The document is rejected with exactly these problems."""
    assert _problems(text) == expected
