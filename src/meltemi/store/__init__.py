"""meltemi.store: persistence. The only package that imports SQLAlchemy.

Modules, by noun:

* ``db``: :func:`db.open_database`, :class:`db.Database` (``transaction()``,
  ``listener()``), :func:`db.migrate`.
* ``models``: the tables. ``rows``: generic create/get/update/delete/list.
  ``query``: Mistral filters (``eq:``, ``in:``, ...) and marker paging.
* ``definitions``, ``environments``, ``cron_triggers``: lookups of stored resources.
* ``executions`` (``lock_execution``), ``task_executions``, ``action_executions``.
* ``jobs``: the queue with leases. ``history``: append-only state changes.
* ``dialects``: every SQLite/PostgreSQL difference.

Every repository function takes the session first; the caller owns the transaction.
"""
