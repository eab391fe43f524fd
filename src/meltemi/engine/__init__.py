"""meltemi.engine: the pure workflow engine (DESIGN "Functional core").

Public API::

    check_start(spec, input, params=None) -> None            # raises errors.InputError
    initial_state(spec, *, execution_id, input, params=None, now, max_depth=20,
                  evaluate=None) -> ExecutionState           # IDLE; raises InputError
    decide(spec, state, event, now, *, executions=(), child_tasks=(), evaluate=None)
        -> Decision
    task_records(state) -> list[dict]                        # child_tasks entries

``Decision(state, commands, history)``: the new :class:`ExecutionState` (``to_json()`` /
``ExecutionState.from_json()``), the commands for the worker, and history records
(:class:`HistoryRecord`: entity, entity_id, name, old_state, new_state, state_info, at).
``executions`` is a snapshot (plain dicts) of related executions for ``executions()``
(each with ``id``, ``state``, ``parent_task_execution_id``, ...; ``tasks(..., flat)``
reads the child executions' states from it). ``child_tasks`` is a snapshot of the task
executions of other executions, at least of every sub-workflow below this one
(``task_records(child_state)`` for each), for ``tasks()``; both are read only when an
expression calls those functions, so a lazy ``Sequence`` is fine.
Ids of new task/action/child executions are uuid5 of the execution id and a counter.

Events (``events.Event``) the worker feeds in:

* ``StartExecution()`` right after storing ``initial_state(...)``.
* ``ActionSucceeded(action_execution_id, output)`` / ``ActionFailed(action_execution_id,
  error)``: a ``RunAction`` finished; unknown actions and invalid input are failures.
* ``ActionInterrupted(action_execution_id)``: found RUNNING with no result after a crash;
  re-run when the task is ``safe-rerun``, else the task fails saying so.
* ``SubworkflowFinished(child_execution_id, state, output, state_info)``: a child started
  by ``StartSubworkflow`` ended (SUCCESS/ERROR/CANCELLED), or could not be created (ERROR).
* Timer events, fed back when a ``SetTimer`` is due: ``WaitBeforeElapsed``,
  ``WaitAfterElapsed``, ``RetryDue``, ``TaskTimedOut`` (stale ones are ignored).
* ``Pause()``, ``Resume(env=None)``, ``Cancel(state_info=None)`` from the API or a parent,
  ``RerunTask(task_execution_id, reset=True, env=None)`` for a task in ERROR (with
  ``reset=False`` a with-items task runs its failed and never-started items only),
  ``SkipTask(task_execution_id, env=None)`` for a task in ERROR (API ``PUT
  /v2/tasks/{id}`` ``state: SKIPPED``): the task goes SKIPPED ("Task was skipped."),
  publishes ``publish-on-skip`` (+ the ``on-skip``/``on-complete`` clause publish) and
  follows ``on-skip`` (``on-success`` when no on-skip transition fires; never
  ``on-complete``). Rerun and skip raise ``errors.EngineError`` for a task not in ERROR
  (CANCELLED included, as in Mistral) or an execution SUCCESS/CANCELLED/PAUSED; an
  execution in ERROR goes back to RUNNING. The ``env`` of Resume/RerunTask/SkipTask is
  deep-merged into the execution's env and evaluated as at start unless
  ``params.evaluate_env`` is false (an evaluation error fails the execution).
* ``events.to_json(event)`` / ``events.from_json(data)`` for timer jobs.

Commands (``commands.Command``) the worker carries out, in order:

* ``RunAction(action_execution_id, task_execution_id, task_name, action, input, attempt,
  item, safe_rerun, timeout, workbook, namespace, target)``: commit the action execution
  RUNNING, run it, feed ``ActionSucceeded``/``ActionFailed``. ``target`` is the task's
  evaluated ``target`` (executor target) or ``None``: a worker serving it may pick it.
* ``StartSubworkflow(child_execution_id, task_execution_id, task_name, workflow, input,
  params, item, attempt, root_execution_id, workbook, namespace)``: resolve ``workflow``,
  move input keys the child does not declare into its params (e.g. ``task_name``), call
  ``initial_state(child_spec, execution_id=child_execution_id, input=..., params=...)``
  and feed the child ``StartExecution``; on failure feed the parent
  ``SubworkflowFinished(child_id, "ERROR", {"result": reason}, reason)``.
* ``SetTimer(at, event)``: feed ``event`` back to this execution at ``at``.
* ``CancelAction(action_execution_id)``: stop a running action (best effort).
* ``SignalChild(child_execution_id, event)``: feed Pause/Resume/Cancel to a child.
* ``ExecutionFinished(execution_id, state, output, state_info, parent_task_execution_id)``:
  the execution ended; feed the parent (if any) ``SubworkflowFinished``.

Task states (``states.TaskState``) include ``SKIPPED``: final, in ``states.TASK_DONE``
(a skipped task counts as ended, not failed; in a reverse workflow it does not satisfy
``requires``, as in Mistral). ``task()``/``tasks()`` views carry ``type``
(``ACTION``/``WORKFLOW``).

While an execution is PAUSED, results still complete their tasks but no transition is
taken until ``Resume``; timers already set still fire.
"""

from __future__ import annotations

from meltemi.engine import commands, events, states
from meltemi.engine.commands import Command, HistoryRecord
from meltemi.engine.decide import check_start, decide, initial_state
from meltemi.engine.events import Event
from meltemi.engine.facts import task_records
from meltemi.engine.state import ActionExecution, ExecutionState, Fired, TaskExecution
from meltemi.engine.step import Decision, Evaluator

__all__ = [
    "ActionExecution",
    "Command",
    "Decision",
    "Evaluator",
    "Event",
    "ExecutionState",
    "Fired",
    "HistoryRecord",
    "TaskExecution",
    "check_start",
    "commands",
    "decide",
    "events",
    "initial_state",
    "states",
    "task_records",
]
