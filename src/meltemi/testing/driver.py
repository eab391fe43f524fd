"""The in-memory engine driver: workflows tested without a database or a worker.

:func:`run_until_done` drives the pure engine in memory: it applies ``decide()`` in a
loop, runs actions with scripted outcomes or tiny fakes of the std actions, runs
sub-workflows in memory, and fires timers by advancing a :class:`FakeClock`::

    record = run_until_done(text, {"n": 3}, results={"fetch": [{"error": "boom"}]})
    assert record.state == "SUCCESS"
    assert record.sequence == ["fetch", "recover"]

Scripted outcomes, by task name, one per action run (attempts and items in order):
``{"output": value}``, ``{"error": value}``, ``{"interrupt": True}`` (the worker
crashed mid-action) or ``{"pending": True}`` (an asynchronous start, answered later
with :meth:`Driver.complete`, as a person completing a human step would). Unscripted
actions run the real definitions given in ``actions=`` (your plugins), else the fakes
(the instant std actions); asynchronous std actions stay pending.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import itertools
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio

from meltemi import actions, engine, errors
from meltemi.engine import commands, events
from meltemi.engine.commands import Command, HistoryRecord
from meltemi.lang.spec import WorkflowSpec
from meltemi.settings import Settings
from meltemi.testing.actions import Outcome, action_context
from meltemi.worker import step


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2024, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        """The current fake time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        """Move the clock to ``when`` (never backwards)."""
        self._now = max(self._now, when)


@functools.cache
def std_actions() -> actions.Registry:
    """The std actions: the instant ones (noop, echo, fail, test_dict) run for real in
    the driver; ``std.sleep`` is simulated with the fake clock."""
    return actions.Registry.default(plugins=False)


ASYNC_FAKES = frozenset({"std.async_noop", "std.mistral_http"})
"""Asynchronous std actions: the driver leaves them pending (see :meth:`Driver.complete`)."""


@dataclasses.dataclass
class Record:
    """What an in-memory run produced."""

    state: engine.ExecutionState
    commands: list[Command]
    history: list[HistoryRecord]
    children: dict[str, engine.ExecutionState]

    @property
    def status(self) -> str:
        """The execution's state (``SUCCESS``, ``ERROR``, ``PAUSED``, ...)."""
        return str(self.state.state)

    @property
    def output(self) -> Any:
        """The execution's output."""
        return self.state.output

    @property
    def state_info(self) -> str | None:
        """The execution's state_info."""
        return self.state.state_info

    @property
    def sequence(self) -> list[str]:
        """Task names in the order their executions were created."""
        return [t.name for t in self.state.tasks.values()]

    def task_states(self, name: str) -> list[str]:
        """States of every execution of task ``name``."""
        return [str(t.state) for t in self.state.task_executions(name)]

    def task(self, name: str) -> engine.TaskExecution:
        """The latest execution of task ``name``."""
        return self.state.task_executions(name)[-1]

    def action_count(self, name: str) -> int:
        """Action (and child) executions of every execution of task ``name``."""
        ids = {t.id for t in self.state.task_executions(name)}
        return sum(1 for a in self.state.actions.values() if a.task_execution_id in ids)


class Driver:
    """Runs one root execution and its children in memory (see module docstring)."""

    def __init__(
        self,
        spec: WorkflowSpec,
        *,
        results: Mapping[str, Sequence[Outcome]] | None = None,
        workflows: Mapping[str, WorkflowSpec] | None = None,
        clock: FakeClock | None = None,
        max_depth: int = 20,
        actions: Mapping[str, actions.ActionDef] | None = None,
    ) -> None:
        self.root_spec = spec
        self.actions = dict(actions or {})
        self.pending: dict[str, tuple[str, str]] = {}
        """Action execution id -> (execution id, task name) of unanswered async actions."""
        self.clock = clock or FakeClock()
        self.workflows = dict(workflows or {})
        self.scripts = {k: list(v) for k, v in (results or {}).items()}
        self.specs: dict[str, WorkflowSpec] = {}
        self.states: dict[str, engine.ExecutionState] = {}
        self.queue: list[tuple[str, events.Event]] = []
        self.timers: list[tuple[datetime, int, str, events.Event]] = []
        self.seq = itertools.count()
        self.cancelled: set[str] = set()
        self.commands: list[Command] = []
        self.history: list[HistoryRecord] = []
        self.max_depth = max_depth
        self.root_id = "00000000-0000-4000-8000-000000000001"

    def start(
        self,
        input: Mapping[str, Any],  # noqa: A002 - the workflow input
        params: Mapping[str, Any] | None = None,
    ) -> None:
        """Create the root execution (raises InputError like the API) and queue its start."""
        state = engine.initial_state(
            self.root_spec,
            execution_id=self.root_id,
            input=input,
            params=params,
            now=self.clock.now(),
            max_depth=self.max_depth,
        )
        self.specs[state.id] = self.root_spec
        self.states[state.id] = state
        self.queue.append((state.id, events.StartExecution()))

    def send(self, event: events.Event, execution_id: str | None = None) -> None:
        """Queue ``event`` for an execution (the root by default)."""
        self.queue.append((execution_id or self.root_id, event))

    @property
    def root(self) -> engine.ExecutionState:
        """The root execution's current state."""
        return self.states[self.root_id]

    def run(self, max_steps: int = 10_000, *, timers: bool = True) -> Record:
        """Apply queued events (and, with ``timers``, timers in time order) until
        nothing is left to do."""
        for _ in range(max_steps):
            if not self.queue and not (timers and self._next_timer()):
                break
            execution_id, event = self.queue.pop(0)
            self._step(execution_id, event)
        else:
            raise errors.EngineError(f"run did not settle within {max_steps} steps")
        children = {k: v for k, v in self.states.items() if k != self.root_id}
        return Record(self.root, self.commands, self.history, children)

    def _next_timer(self) -> bool:
        while self.timers:
            at, _, execution_id, event = heapq.heappop(self.timers)
            if isinstance(event, events.ActionSucceeded) and event.action_execution_id in (
                self.cancelled
            ):
                continue  # a simulated std.sleep that was cancelled
            self.clock.set(at)
            self.queue.append((execution_id, event))
            return True
        return False

    def _step(self, execution_id: str, event: events.Event) -> None:
        state = self.states[execution_id]
        others = [s for k, s in self.states.items() if k != execution_id]
        decision = engine.decide(
            self.specs[execution_id],
            state,
            event,
            self.clock.now(),
            executions=[_view(s) for s in others],
            child_tasks=[t for s in others for t in engine.task_records(s)],
        )
        self.states[execution_id] = decision.state
        self.history.extend(decision.history)
        if execution_id == self.root_id:
            self.commands.extend(decision.commands)
        for command in decision.commands:
            self._carry_out(execution_id, command)

    def _carry_out(self, execution_id: str, command: commands.Command) -> None:
        match command:
            case commands.RunAction():
                self._run_action(execution_id, command)
            case commands.StartSubworkflow():
                self._start_child(execution_id, command)
            case commands.SetTimer(at=at, event=event):
                heapq.heappush(self.timers, (at, next(self.seq), execution_id, event))
            case commands.CancelAction(action_execution_id=action_id):
                self.cancelled.add(action_id)
            case commands.SignalChild(child_execution_id=child, event=event):
                if child in self.states:
                    self.queue.append((child, event))
            case commands.ExecutionFinished():
                self._notify_parent(command)

    def _later(self, execution_id: str, seconds: float, event: events.Event) -> None:
        at = self.clock.now() + timedelta(seconds=seconds)
        heapq.heappush(self.timers, (at, next(self.seq), execution_id, event))

    def _run_action(self, execution_id: str, command: commands.RunAction) -> None:
        script = self.scripts.get(command.task_name)
        if script:
            self._answer(execution_id, command, _scripted(command, script.pop(0)))
            return
        if command.action == "std.sleep":
            seconds = float(command.input.get("seconds", 0))
            self._later(execution_id, seconds, events.ActionSucceeded(command.action_execution_id))
            return
        if command.action in self.actions:
            definition = self.actions[command.action]
            self._answer(execution_id, command, _run_real(definition, command, self.root_id))
            return
        if command.action in ASYNC_FAKES:
            self._answer(execution_id, command, None)
            return
        self.queue.append((execution_id, _std(command)))

    def _answer(
        self, execution_id: str, command: commands.RunAction, event: events.Event | None
    ) -> None:
        if event is None:  # an asynchronous start: answered later through complete()
            self.pending[command.action_execution_id] = (execution_id, command.task_name)
            return
        self.queue.append((execution_id, event))

    def complete(self, task_name: str, output: Any = None, *, error: Any = None) -> None:
        """Answer the pending (asynchronous) action of task ``task_name``, as
        ``PUT /v2/action_executions/{id}`` would: with ``output``, or as failed with
        ``error`` when given. Call :meth:`run` afterwards to carry on.

        Raises:
            errors.EngineError: no action of that task is pending.
        """
        found = [k for k, (_, name) in self.pending.items() if name == task_name]
        if not found:
            raise errors.EngineError(f"no pending action for task {task_name!r}")
        execution_id, _ = self.pending.pop(found[0])
        event: events.Event = (
            events.ActionSucceeded(found[0], output)
            if error is None
            else events.ActionFailed(found[0], error)
        )
        self.queue.append((execution_id, event))

    def _start_child(self, parent_id: str, command: commands.StartSubworkflow) -> None:
        spec = self._resolve(command.workflow, command.workbook)
        child = command.child_execution_id
        try:
            if spec is None:
                raise errors.NotFound("Workflow", command.workflow)
            declared = {p.name for p in spec.input}
            wf_input = {k: v for k, v in command.input.items() if k in declared}
            extra = {k: v for k, v in command.input.items() if k not in declared}
            state = engine.initial_state(
                spec,
                execution_id=child,
                input=wf_input,
                params={**extra, **command.params},
                now=self.clock.now(),
            )
        except errors.MeltemiError as exc:
            failed = events.SubworkflowFinished(child, "ERROR", {"result": str(exc)}, str(exc))
            self.queue.append((parent_id, failed))
            return
        self.specs[child] = spec
        self.states[child] = state
        self.queue.append((child, events.StartExecution()))

    def _resolve(self, name: str, workbook: str | None) -> WorkflowSpec | None:
        if workbook and f"{workbook}.{name}" in self.workflows:
            return self.workflows[f"{workbook}.{name}"]
        return self.workflows.get(name)

    def _notify_parent(self, finished: commands.ExecutionFinished) -> None:
        state = self.states[finished.execution_id]
        parent_task = finished.parent_task_execution_id
        if parent_task is None:
            return
        for parent_id, parent in self.states.items():
            if parent_task in parent.tasks:
                event = events.SubworkflowFinished(
                    state.id, finished.state, finished.output, finished.state_info
                )
                self.queue.append((parent_id, event))
                return


def _view(state: engine.ExecutionState) -> dict[str, Any]:
    return {
        "id": state.id,
        "name": state.workflow_name,
        "workflow_name": state.workflow_name,
        "state": str(state.state),
        "input": state.input,
        "output": state.output,
        "params": state.params,
        "root_execution_id": state.root_execution_id,
        "parent_task_execution_id": state.parent_task_execution_id,
        "created_at": state.created_at,
    }


def _scripted(command: commands.RunAction, outcome: Outcome) -> events.Event | None:
    action_id = command.action_execution_id
    if outcome.get("pending"):
        return None
    if outcome.get("interrupt"):
        return events.ActionInterrupted(action_id)
    if "error" in outcome:
        return events.ActionFailed(action_id, outcome["error"])
    return events.ActionSucceeded(action_id, outcome.get("output"))


def _std(command: commands.RunAction) -> events.Event:
    action_id = command.action_execution_id
    definition = std_actions().find(command.action)
    outcome = None
    if definition is not None:
        ctx = actions.ActionContext(settings=Settings())
        outcome = actions.run_instant(definition, command.input, ctx)
    if outcome is None:
        return events.ActionFailed(
            action_id, f"Failed to find action [action_name={command.action}]"
        )
    event = step.outcome_event(action_id, outcome)
    assert event is not None  # an instant action is never pending
    return event


def _run_real(
    definition: actions.ActionDef, command: commands.RunAction, execution_id: str
) -> events.Event | None:
    ctx = action_context(
        execution_id=execution_id,
        task_id=command.task_execution_id,
        action_execution_id=command.action_execution_id,
    )
    run = functools.partial(
        actions.run_action, definition, command.input, ctx, timeout=command.timeout
    )
    # None when pending: answered later through Driver.complete()
    return step.outcome_event(command.action_execution_id, anyio.run(run))


def load(text: str) -> tuple[WorkflowSpec, dict[str, WorkflowSpec]]:
    """Parse a workflow or workbook text: (first workflow, every workflow by name)."""
    from meltemi import lang  # noqa: PLC0415 - only needed for text input

    parsed = lang.load_any(text)
    if isinstance(parsed, tuple) and parsed and isinstance(parsed[0], WorkflowSpec):
        found = {w.name: w for w in parsed if isinstance(w, WorkflowSpec)}
    elif isinstance(parsed, tuple):
        raise errors.EngineError("the text defines actions, not workflows")
    else:
        found = dict(parsed.workflows)
    return next(iter(found.values())), found


def run_until_done(
    spec_or_text: WorkflowSpec | str,
    input: Mapping[str, Any] | None = None,  # noqa: A002 - the workflow input
    *,
    results: Mapping[str, Sequence[Outcome]] | None = None,
    params: Mapping[str, Any] | None = None,
    workflows: Mapping[str, WorkflowSpec] | None = None,
    workflow_name: str | None = None,
    clock: FakeClock | None = None,
    actions: Mapping[str, actions.ActionDef] | None = None,
) -> Record:
    """Run a workflow in memory until it finishes or pauses (see module docstring).

    ``workflows`` are extra specs sub-workflows may name; a text's own workflows
    are known too. ``workflow_name`` picks which workflow of the text to run.
    ``actions`` are real definitions (e.g. your plugins, ``actions.definition_of(fn)``)
    run by name through the worker's runner; call from synchronous code only.
    """
    known = dict(workflows or {})
    if isinstance(spec_or_text, str):
        spec, found = load(spec_or_text)
        known.update(found)
        spec = known[workflow_name] if workflow_name else spec
    else:
        spec = spec_or_text
    driver = Driver(spec, results=results, workflows=known, clock=clock, actions=actions)
    driver.start(input or {}, params)
    return driver.run()
