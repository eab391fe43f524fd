"""CPU time of typical cached YAQL and Jinja evaluations, in microseconds per evaluation.

Run: ``.venv/bin/python benchmarks/bench_expr.py [--before DIR]``

``--before DIR`` runs the same cases against the ``src`` of another copy of the project
(e.g. ``git archive <commit> src | tar -x -C DIR``) and prints both columns. Figures are
CPU time (``time.process_time``, all threads) per evaluation, after a warm-up.

Figures on the shared 2-core development machine (load average about 2; the lowest
of five runs each). before = commit 629436c (compiled YAQL run under the watchdog and its
result walked again by the size check; no dict(), literals, ``in`` or conversions
compiled; ``task()`` copied whole); after = this version::

    case                           before      after
    yaql                            7.1 us      3.5 us
    jinja                          10.9 us      9.5 us
    yaql-interpolated               8.2 us      6.3 us
    jinja-rendered                  9.6 us      9.1 us
    yaql-query                    837.5 us    847.5 us   (lambdas: left to yaql)
    plain                           0.2 us      0.2 us
    check                           0.1 us      0.1 us
    yaql, 1 MB context              7.3 us      3.7 us
    yaql-query, 1 MB context      838.5 us    844.0 us
    10 KB dict, no expression      41.6 us     42.3 us
    10 KB dict, one expression     50.2 us     45.1 us
    $.x.y                           6.2 us      2.3 us
    task().result                   7.9 us      2.7 us
    S5 publish data, 10 KB        653.0 us      5.6 us
    S5 publish payload_len          7.3 us      2.8 us
    S5 input $.data, 10 KB          7.8 us      2.7 us
    $.doc, 10 KB nested           784.4 us    234.2 us   (the copy yaql's output is)
    literals                      775.7 us      8.7 us
    arithmetic                      9.2 us      5.4 us
    in, not                       723.5 us      4.1 us
    int, float, bool, str        1155.6 us      7.7 us

(Earlier, commit 3a37492 had taken "yaql" from 899 to 12 us and "yaql, 1 MB context"
from 96 ms to 12 us, against df966d6, on a more loaded machine.)
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import pathlib
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from meltemi import expr

SMALL = {"x": {"y": 1}, "items": [1, 2, 3], "names": ["a", "b", "c"]}
BIG = {
    **SMALL,
    "records": [{"id": i, "name": f"record-{i}", "tags": ["a", "b"]} for i in range(12_000)],
}
"""About 1 MB of workflow context, as a large published result makes."""


def _nested(expression: str | None) -> dict[str, Any]:
    """About 10 KB of nested task parameters, holding ``expression`` (if any) deep down."""
    rows = [{"name": f"row-{i}", "size": i, "tags": ["x", "y"], "ok": True} for i in range(120)]
    return {"body": {"rows": rows, "note": "plain {text} 100%"}, "last": expression or "-"}


PAYLOAD = {"payload": "x" * 10_000, "step": 3}
"""The data benchmark scenario S5 carries from task to task: a ~10 KB dict."""


class _LastTask:
    """Facts where ``task()`` is a finished task whose result is ``result``."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def task(self, name: str | None) -> dict[str, Any] | None:
        return {"id": "t-id", "name": "d01", "state": "SUCCESS", "result": self.result}

    def tasks(self, *_args: Any) -> tuple[()]:
        return ()

    def executions(self, *_args: Any) -> tuple[()]:
        return ()


def _ctx(data: dict[str, Any], result: Any = None) -> expr.Context:
    return expr.Context(data=data, facts=_LastTask(result))


S5_DATA = "<% dict(payload => task().result.payload, step => task().result.step + 1) %>"
"""S5's publish expression (``wf_data`` in the shared benchmark)."""

CASES: dict[str, tuple[Any, expr.Context]] = {
    "yaql": ("<% $.x.y + len($.items) %>", _ctx(SMALL)),
    "jinja": ("{{ _.x.y + _['items'] | length }}", _ctx(SMALL)),
    "yaql-interpolated": ("<% $.x.y %> and <% len($.items) %>", _ctx(SMALL)),
    "jinja-rendered": ("{{ _.x.y }} and {{ _['items'] | length }}", _ctx(SMALL)),
    "yaql-query": ("<% $.items.where($ > 1).len() %>", _ctx(SMALL)),
    "plain": ("no expression at all", _ctx(SMALL)),
    "check": ("<% $.x.y + len($.items) %>", _ctx(SMALL)),
    "yaql, 1 MB context": ("<% $.x.y + len($.items) %>", _ctx(BIG)),
    "yaql-query, 1 MB context": ("<% $.items.where($ > 1).len() %>", _ctx(BIG)),
    "10 KB dict, no expression": (_nested(None), _ctx(SMALL)),
    "10 KB dict, one expression": (_nested("<% $.x.y %>"), _ctx(SMALL)),
    "$.x.y": ("<% $.x.y %>", _ctx(SMALL)),
    "task().result": ("<% task().result %>", _ctx(SMALL, {"x": 1})),
    "S5 publish data, 10 KB": (S5_DATA, _ctx(SMALL, PAYLOAD)),
    "S5 publish payload_len": ("<% len(task().result.payload) %>", _ctx(SMALL, PAYLOAD)),
    "S5 input $.data, 10 KB": ("<% $.data %>", _ctx({"data": PAYLOAD})),
    "$.doc, 10 KB nested": ("<% $.doc %>", _ctx({"doc": _nested(None)})),
    "literals": ("<% [$.x.y, {a => $.items[0], b => [1, 'z']}] %>", _ctx(SMALL)),
    "arithmetic": ("<% -($.x.y * 7 - 1) / 2 mod 5 + 0.5 %>", _ctx(SMALL)),
    "in, not": ("<% 'b' in $.names and not ($.x.y in $.items) %>", _ctx(SMALL)),
    "int, float, bool, str": (
        "<% int('4') + float($.x.y) + len(str($.x.y)) + int(bool($.items)) %>",
        _ctx(SMALL),
    ),
}


def bench(run: Callable[[], object], seconds: float = 0.5) -> float:
    """CPU microseconds per call of ``run``, over about ``seconds`` after a warm-up."""
    for _ in range(20):
        run()
    rounds, spent = 0, 0.0
    start = time.process_time()
    while spent < seconds:
        for _ in range(max(1, rounds)):
            run()
        rounds += max(1, rounds)
        spent = time.process_time() - start
    return spent / rounds * 1e6


def measure() -> dict[str, float]:
    """Microseconds per evaluation (or per check) for each case."""
    figures = {}
    for name, (value, ctx) in CASES.items():
        run = (
            functools.partial(expr.check, value)
            if name == "check"
            else functools.partial(expr.evaluate, value, ctx)
        )
        figures[name] = bench(run)
    return figures


def measure_elsewhere(root: pathlib.Path) -> dict[str, float]:
    """The same figures, measured against the ``src`` under ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    done = subprocess.run(
        [sys.executable, __file__, "--json"], env=env, capture_output=True, check=True
    )
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def main() -> None:
    """Print one line per case (or the figures as JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=pathlib.Path, help="another copy of the project")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    after = measure()
    if args.json:
        print(json.dumps(after))
        return
    before = measure_elsewhere(args.before) if args.before else {}
    print(f"{'case':28} {'before':>10} {'after':>10}")
    for name, figure in after.items():
        old = f"{before[name]:8.1f} us" if name in before else f"{'-':>10}"
        print(f"{name:28} {old} {figure:7.1f} us")


if __name__ == "__main__":
    main()
