"""Meltemi's settings: one frozen object built once and passed down, never global.

Every setting can come from an environment variable ``MELTEMI_<NAME>`` or from an
explicit keyword (CLI flags). Unknown or malformed values raise ``ConfigError``
naming the variable.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from meltemi import errors

DEFAULT_DB_PATH = Path.home() / ".meltemi" / "meltemi.db"
ROLES = ("api", "engine", "executor", "scheduler")


@dataclasses.dataclass(frozen=True)
class Settings:
    """All of Meltemi's settings."""

    db_url: str = f"sqlite:///{DEFAULT_DB_PATH}"
    """SQLAlchemy URL; ``sqlite:///path`` (embedded default) or ``postgresql://...``."""
    host: str = "127.0.0.1"
    port: int = 8989
    roles: tuple[str, ...] = ROLES
    """Which roles this process runs (``api``, ``engine``, ``executor``, ``scheduler``)."""
    access_log: bool = False
    """Log every HTTP request (uvicorn's access log). Off by default: formatting and
    writing the line costs about a quarter of a simple request's CPU; state changes are
    in the history anyway."""
    worker_concurrency: int = 32
    """How many jobs (engine steps and actions) one process runs at once."""
    lease_seconds: float = 30.0
    """How long a claimed job stays leased without a heartbeat."""
    shutdown_grace: float = 30.0
    """Seconds a stopping server waits for in-flight jobs before it exits anyway."""
    poll_seconds: float = 1.0
    """Idle wait between claims when nothing wakes the worker (safety net only)."""
    max_subworkflow_depth: int = 20
    max_result_bytes: int = 1_048_576
    """Action results above this size fail the action."""
    expression_timeout: float = 5.0
    """Seconds one expression may run."""
    http_denied_cidrs: tuple[str, ...] = ("127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10")
    """Addresses ``std.http`` refuses to reach; empty means no address check."""
    http_allowed_hosts: tuple[str, ...] = ()
    """When non-empty, the only host names ``std.http`` may reach."""
    http_timeout: float = 60.0
    """Default request timeout of ``std.http`` in seconds."""
    ssh_known_hosts: str | None = None
    """known_hosts file for ``std.ssh``; ``None`` uses ``~/.ssh/known_hosts``."""
    ssh_check_host_keys: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``MELTEMI_*`` variables, then apply ``overrides``."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            raw = env.get(f"MELTEMI_{field.name.upper()}")
            if raw is not None:
                values[field.name] = _convert(field, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _convert(field: dataclasses.Field[Any], raw: str) -> Any:
    kind = str(field.type)
    name = f"MELTEMI_{field.name.upper()}"
    try:
        if kind.startswith("tuple"):
            return tuple(p.strip() for p in raw.split(",") if p.strip())
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            if raw.lower() not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(raw)
            return raw.lower() in {"1", "true", "yes"}
    except ValueError:
        raise errors.ConfigError(f"{name}={raw!r} is not a valid {kind}") from None
    return raw
