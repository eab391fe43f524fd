"""The layout of a workflow's task graph: layers, positions and edges, computed in Python.

A pure function of the spec: tasks become nodes placed in layers (left to right) by the
longest path from the start tasks; transitions become edges. Edges that close a cycle
are marked ``back`` and do not count for the layering. The dashboard draws the result
as inline SVG (no JavaScript library).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from meltemi.lang import graph, spec

NODE_W = 168
NODE_H = 52
GAP_X = 64
GAP_Y = 26
MARGIN = 16

CLAUSE_KINDS = {
    "on_success": "success",
    "on_error": "error",
    "on_complete": "complete",
    "on_skip": "skip",
}


@dataclasses.dataclass(frozen=True)
class Node:
    """One task, placed."""

    name: str
    layer: int
    row: int
    x: int
    y: int
    action: str
    """The action or sub-workflow it runs (``std.noop`` when it names neither)."""


@dataclasses.dataclass(frozen=True)
class Edge:
    """One transition between two tasks."""

    source: str
    target: str
    kind: str
    """``success``, ``error``, ``complete``, ``skip`` or ``requires`` (reverse workflows)."""
    back: bool = False
    """True when the edge closes a cycle (drawn as a loop, ignored by the layering)."""


@dataclasses.dataclass(frozen=True)
class Layout:
    """A drawable graph: nodes with coordinates, edges, and the canvas size."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    width: int
    height: int

    def node(self, name: str) -> Node:
        """The node of task ``name``."""
        return next(n for n in self.nodes if n.name == name)


def edges_of(workflow: spec.WorkflowSpec) -> list[tuple[str, str, str]]:
    """``(source, target, kind)`` for every transition between tasks, without duplicates."""
    if workflow.type == "reverse":
        return [
            (req, name, "requires")
            for name, task in workflow.tasks.items()
            for req in task.requires
            if req in workflow.tasks
        ]
    found: dict[tuple[str, str], str] = {}
    for name, task in workflow.tasks.items():
        for field, kind in CLAUSE_KINDS.items():
            clause: spec.OnClause | None = getattr(task, field)
            for transition in clause.next if clause else ():
                key = (name, transition.target)
                if transition.command is None and transition.target in workflow.tasks:
                    found.setdefault(key, kind)
    return [(s, t, k) for (s, t), k in found.items()]


def _back_edges(names: Iterable[str], succ: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Edges that point to a task still on the depth-first path (they close cycles)."""
    back: set[tuple[str, str]] = set()
    done: set[str] = set()
    for root in names:
        if root in done:
            continue
        path = {root}
        stack = [(root, iter(succ[root]))]
        while stack:
            node, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                stack.pop()
                path.discard(node)
                done.add(node)
            elif nxt in path:
                back.add((node, nxt))
            elif nxt not in done:
                path.add(nxt)
                stack.append((nxt, iter(succ[nxt])))
    return back


def _layers(order: list[str], forward: list[tuple[str, str]]) -> dict[str, int]:
    """Longest-path layer of each task over the acyclic ``forward`` edges."""
    preds: dict[str, list[str]] = {n: [] for n in order}
    for s, t in forward:
        preds[t].append(s)
    layer: dict[str, int] = {}

    def visit(name: str) -> int:
        stack, seen = [name], set()
        while stack:
            top = stack[-1]
            missing = [p for p in preds[top] if p not in layer and p not in seen]
            if missing:
                seen.update(missing)
                stack.extend(missing)
                continue
            stack.pop()
            layer[top] = max((layer[p] + 1 for p in preds[top]), default=0)
        return layer[name]

    for name in order:
        visit(name)
    return layer


def _rows(order: list[str], layer: dict[str, int], preds: dict[str, list[str]]) -> dict[str, int]:
    """Order tasks inside each layer by the mean row of their predecessors."""
    row: dict[str, int] = {}
    for depth in range(max(layer.values(), default=-1) + 1):
        members = [n for n in order if layer[n] == depth]

        def weight(name: str) -> float:
            placed = [row[p] for p in preds[name] if p in row]
            return sum(placed) / len(placed) if placed else float(order.index(name))

        row.update({name: i for i, name in enumerate(sorted(members, key=weight))})
    return row


def _action_of(task: spec.TaskSpec) -> str:
    return task.workflow or task.action or "std.noop"


def layout(workflow: spec.WorkflowSpec) -> Layout:
    """Place every task of ``workflow`` and list its transitions."""
    order = list(workflow.tasks)
    triples = edges_of(workflow)
    succ: dict[str, list[str]] = {n: [] for n in order}
    for s, t, _ in triples:
        succ[s].append(t)
    starts = [n for n in order if n in graph.start_tasks(workflow)] if order else []
    back = _back_edges([*starts, *order], succ)
    forward = [(s, t) for s, t, _ in triples if (s, t) not in back]
    layer = _layers(order, forward)
    preds: dict[str, list[str]] = {n: [] for n in order}
    for s, t in forward:
        preds[t].append(s)
    row = _rows(order, layer, preds)
    nodes = tuple(
        Node(
            name=n,
            layer=layer[n],
            row=row[n],
            x=MARGIN + layer[n] * (NODE_W + GAP_X),
            y=MARGIN + row[n] * (NODE_H + GAP_Y),
            action=_action_of(workflow.tasks[n]),
        )
        for n in order
    )
    edges = tuple(Edge(s, t, k, back=(s, t) in back) for s, t, k in triples)
    layers = max(layer.values(), default=0) + 1
    rows = max(row.values(), default=0) + 1
    width = 2 * MARGIN + layers * NODE_W + (layers - 1) * GAP_X
    height = 2 * MARGIN + rows * NODE_H + (rows - 1) * GAP_Y + (GAP_Y if back else 0)
    return Layout(nodes, edges, width, height)


def path(lay: Layout, edge: Edge) -> str:
    """The SVG path data of ``edge``: a curve from the source's right to the target's left.

    A back edge (or an edge within one layer) loops under the nodes.
    """
    a, b = lay.node(edge.source), lay.node(edge.target)
    x1, y1 = a.x + NODE_W, a.y + NODE_H // 2
    x2, y2 = b.x, b.y + NODE_H // 2
    if edge.back or b.layer <= a.layer:
        low = max(a.y, b.y) + NODE_H + GAP_Y // 2 + 4
        return (
            f"M{a.x + NODE_W // 2},{a.y + NODE_H} C{a.x + NODE_W // 2},{low} "
            f"{b.x + NODE_W // 2},{low} {b.x + NODE_W // 2},{b.y + NODE_H}"
        )
    mid = (x1 + x2) // 2
    return f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
