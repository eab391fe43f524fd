"""The YAML loader: plain data, positions, and refusal of unsafe or malformed input."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.lang import loader


def _problem(text: str) -> tuple[int | None, int | None, str]:
    with pytest.raises(errors.DefinitionError) as caught:
        loader.load(text, source="f.yaml")
    (problem,) = caught.value.problems
    assert problem.source == "f.yaml"
    return problem.line, problem.col, problem.message


def test_plain_data_and_scalar_types() -> None:
    """Scalars resolve to str/int/float/bool/None; timestamps stay text."""
    doc = loader.load("a: [1, 2.5, true, null, '3', 2020-01-02, x]\n")
    assert doc.data == {"a": [1, 2.5, True, None, "3", "2020-01-02", "x"]}


def test_positions_of_keys_and_values() -> None:
    """Every key and value has a 1-based line and column."""
    doc = loader.load("wf:\n  tasks:\n    t1:\n      action:   std.noop\n")
    path = ("wf", "tasks", "t1", "action")
    assert doc.keys[path] == loader.Mark(4, 7)
    assert doc.values[path] == loader.Mark(4, 17)
    assert doc.locate(path) == loader.Mark(4, 17)
    assert doc.locate(path, key=True) == loader.Mark(4, 7)


def test_locate_falls_back_to_nearest_ancestor() -> None:
    """A path that is not in the document maps to its closest existing ancestor."""
    doc = loader.load("wf:\n  tasks:\n    t1: {}\n")
    assert doc.locate(("wf", "tasks", "t1", "on-success", "next", 0)) == loader.Mark(3, 5)


def test_collection_value_points_at_its_key() -> None:
    """A mapping value is located at its key, where a reader looks for it."""
    doc = loader.load("wf:\n  tasks:\n    t1:\n      a: 1\n")
    assert doc.locate(("wf", "tasks")) == loader.Mark(2, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x 1\nb: *x\n", (2, 4, "YAML aliases are not allowed (*x)")),
        ("a: 1\nb: 2\na: 3\n", (3, 1, "duplicate key 'a' (first defined at line 1)")),
        (
            "a: !!python/object:os.system 1\n",
            (1, 4, "unsupported YAML tag 'tag:yaml.org,2002:python/object:os.system'"),
        ),
        ("a: !!binary aGVsbG8=\n", (1, 4, "unsupported YAML tag 'tag:yaml.org,2002:binary'")),
        ("a: !!int abc\n", (1, 4, "invalid int value 'abc'")),
        ("a: 1\n---\nb: 2\n", (2, 1, "only one YAML document is allowed")),
        (
            "a:\n  b: 1\n c: [\n",
            (3, 2, "invalid YAML: did not find expected key (while parsing a block mapping)"),
        ),
        ("? [a]\n: 1\n", (1, 3, "only plain scalars can be mapping keys")),
    ],
)
def test_refused_documents(text: str, expected: tuple[int, int, str]) -> None:
    """Unsafe or malformed YAML fails with one positioned problem."""
    assert _problem(text) == expected


def test_depth_limit() -> None:
    """Nesting deeper than MAX_DEPTH is refused at the offending node."""
    line, col, message = _problem("[" * (loader.MAX_DEPTH + 1) + "]" * (loader.MAX_DEPTH + 1))
    assert (line, col) == (1, loader.MAX_DEPTH + 1)
    assert message == f"definition nests too deeply (at most {loader.MAX_DEPTH})"


def test_node_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """More nodes than MAX_NODES are refused."""
    monkeypatch.setattr(loader, "MAX_NODES", 10)
    line, _, message = _problem("[" + ", ".join(str(i) for i in range(20)) + "]")
    assert line == 1
    assert message == "definition has too many nodes (at most 10)"


def test_size_limit() -> None:
    """A text larger than MAX_TEXT_BYTES is refused before parsing."""
    text = "a: '" + "x" * loader.MAX_TEXT_BYTES + "'\n"
    line, _, message = _problem(text)
    assert line is None
    assert message.startswith("definition is too large")


def test_every_duplicate_is_reported() -> None:
    """All duplicate keys are collected, not only the first."""
    with pytest.raises(errors.DefinitionError) as caught:
        loader.load("t:\n  a: 1\n  a: 2\nu:\n  b: 1\n  b: 2\n")
    assert [(p.line, p.col) for p in caught.value.problems] == [(3, 3), (6, 3)]


def test_empty_document_is_none() -> None:
    """An empty text loads as None."""
    assert loader.load("").data is None
