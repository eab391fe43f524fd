"""CLI output: JSON text fields decoded, cells rendered for people."""

from __future__ import annotations

import io
import json

from meltemi.cli import output


def test_decode_json_text_fields() -> None:
    """JSON text fields are decoded; other fields and non-JSON text stay as they are."""
    item = {
        "input": '{"a": 1}',
        "output": "null",
        "published": "[1, 2]",
        "state_info": '{"not": "decoded"}',
        "params": "",
    }
    decoded = output.decode(item)
    assert decoded == {
        "input": {"a": 1},
        "output": None,
        "published": [1, 2],
        "state_info": '{"not": "decoded"}',
        "params": "",
    }
    assert output.decode({"input": 'a, b="x"'}) == {"input": 'a, b="x"'}


def test_json_mode_prints_the_data() -> None:
    """``--json`` prints lists and items as JSON, and no notes."""
    buffer = io.StringIO()
    printer = output.Printer(as_json=True, file=buffer)
    printer.items([{"id": "1", "state": "SUCCESS"}], (("ID", "id"),))
    printer.note("for people only")
    assert json.loads(buffer.getvalue()) == [{"id": "1", "state": "SUCCESS"}]


def test_table_mode_shows_columns() -> None:
    """Tables show the chosen columns, lists joined, missing values empty."""
    buffer = io.StringIO()
    printer = output.Printer(as_json=False, file=buffer)
    printer.items(
        [{"id": "x1", "tags": ["a", "b"], "state": "ERROR", "state_info": None}],
        (("ID", "id"), ("Tags", "tags"), ("State", "state"), ("Info", "state_info")),
    )
    text = buffer.getvalue()
    assert "x1" in text
    assert "a, b" in text
    assert "ERROR" in text
    assert "None" not in text
