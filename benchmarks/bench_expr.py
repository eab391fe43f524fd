"""Time typical cached YAQL and Jinja evaluations, in microseconds per evaluation.

Run: ``.venv/bin/python benchmarks/bench_expr.py``
"""

from __future__ import annotations

import time

from meltemi import expr

CASES = {
    "yaql": "<% $.x.y + len($.items) %>",
    "jinja": "{{ _.x.y + _['items'] | length }}",
    "yaql-interpolated": "<% $.x.y %> and <% len($.items) %>",
    "jinja-rendered": "{{ _.x.y }} and {{ _['items'] | length }}",
    "plain": "no expression at all",
    "check": "<% $.x.y + len($.items) %>",
}
ROUNDS = 20_000


def bench(name: str, text: str, ctx: expr.Context) -> float:
    """Microseconds per evaluation (or per check), after a warm-up."""
    run = (lambda: expr.check(text)) if name == "check" else (lambda: expr.evaluate(text, ctx))
    for _ in range(100):
        run()
    start = time.perf_counter()
    for _ in range(ROUNDS):
        run()
    return (time.perf_counter() - start) / ROUNDS * 1e6


def main() -> None:
    """Print one line per case."""
    ctx = expr.Context(data={"x": {"y": 1}, "items": [1, 2, 3]})
    for name, text in CASES.items():
        print(f"{name:18} {bench(name, text, ctx):8.1f} us  {text}")


if __name__ == "__main__":
    main()
