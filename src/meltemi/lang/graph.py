"""The task graph of a workflow spec: edges, start tasks, requirements, cycles.

Pure functions over :class:`spec.WorkflowSpec` (``task-defaults`` already applied),
used by the checks and by the engine.
"""

from __future__ import annotations

from meltemi.lang import spec

CLAUSE_FIELDS = ("on_success", "on_error", "on_complete", "on_skip")


def outbound(task: spec.TaskSpec) -> tuple[str, ...]:
    """Names of the tasks ``task`` may transition to (engine commands excluded), in order."""
    names: dict[str, None] = {}
    for field in CLAUSE_FIELDS:
        clause: spec.OnClause | None = getattr(task, field)
        for transition in clause.next if clause else ():
            if transition.command is None:
                names[transition.target] = None
    return tuple(names)


def inbound(workflow: spec.WorkflowSpec) -> dict[str, tuple[str, ...]]:
    """For each task, the names of the tasks with a transition to it."""
    found: dict[str, list[str]] = {name: [] for name in workflow.tasks}
    for name, task in workflow.tasks.items():
        for target in outbound(task):
            if target in found:
                found[target].append(name)
    return {name: tuple(sources) for name, sources in found.items()}


def start_tasks(workflow: spec.WorkflowSpec) -> tuple[str, ...]:
    """Tasks of a direct workflow that nothing transitions to: they run first."""
    return tuple(name for name, sources in inbound(workflow).items() if not sources)


def requirements(workflow: spec.WorkflowSpec) -> dict[str, tuple[str, ...]]:
    """For each task of a reverse workflow, the tasks it requires."""
    return {name: task.requires for name, task in workflow.tasks.items()}


def find_cycle(edges: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """A cycle in ``edges`` (as the names along it, first repeated last), or ``None``."""
    state: dict[str, int] = {}
    for root in edges:
        if state.get(root):
            continue
        path: list[str] = [root]
        stack = [iter(edges.get(root, ()))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return (*path[path.index(nxt) :], nxt)
            elif not state.get(nxt) and nxt in edges:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(edges[nxt]))
    return None


def required_closure(workflow: spec.WorkflowSpec, target: str) -> tuple[str, ...]:
    """Every task a reverse workflow runs to reach ``target``, dependencies first."""
    edges = requirements(workflow)
    order: list[str] = []
    seen = {target}
    stack = [(target, iter(edges.get(target, ())))]
    while stack:
        name, pending = stack[-1]
        dependency = next(pending, None)
        if dependency is None:
            order.append(name)
            stack.pop()
        elif dependency not in seen:
            seen.add(dependency)
            stack.append((dependency, iter(edges.get(dependency, ()))))
    return tuple(order)
