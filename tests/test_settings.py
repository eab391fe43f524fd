"""Settings come from MELTEMI_* variables and explicit overrides."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.settings import Settings


def test_env_variables_are_parsed_by_field_type() -> None:
    """Tuples split on commas, numbers and booleans are converted."""
    s = Settings.from_env(
        {
            "MELTEMI_HTTP_DENIED_CIDRS": "10.0.0.0/8, 127.0.0.0/8",
            "MELTEMI_PORT": "9000",
            "MELTEMI_SSH_CHECK_HOST_KEYS": "false",
        }
    )
    assert s.http_denied_cidrs == ("10.0.0.0/8", "127.0.0.0/8")
    assert s.port == 9000
    assert s.ssh_check_host_keys is False


def test_empty_denied_cidrs_means_no_address_check() -> None:
    """An empty MELTEMI_HTTP_DENIED_CIDRS gives an empty tuple."""
    assert Settings.from_env({"MELTEMI_HTTP_DENIED_CIDRS": ""}).http_denied_cidrs == ()


def test_overrides_win_over_environment() -> None:
    """Keyword overrides (CLI flags) take precedence."""
    s = Settings.from_env({"MELTEMI_PORT": "9000"}, port=9100)
    assert s.port == 9100


def test_malformed_value_names_the_variable() -> None:
    """A bad value raises ConfigError naming the variable."""
    with pytest.raises(errors.ConfigError, match="MELTEMI_PORT"):
        Settings.from_env({"MELTEMI_PORT": "eighty"})
