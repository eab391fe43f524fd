"""redact() keeps secrets out of what is logged and stored as an action's input."""

from __future__ import annotations

from meltemi import actions
from meltemi.actions.redaction import MASK


def test_password_and_keys_are_masked() -> None:
    """password, private_key and smtp_password values are replaced."""
    given = {"cmd": "ls", "password": "pw", "private_key": "KEY", "smtp_password": "p2"}
    assert actions.redact("std.ssh", given) == {
        "cmd": "ls",
        "password": MASK,
        "private_key": MASK,
        "smtp_password": MASK,
    }


def test_http_auth_headers_cookies_and_url_passwords_are_masked() -> None:
    """auth, Authorization headers, cookies and user:password@ in URLs are hidden."""
    given = {
        "url": "https://bob:hunter2@example.com/x",
        "auth": "bob:hunter2",
        "headers": {"Authorization": "Bearer t", "Accept": "json"},
        "cookies": {"session": "s"},
        "proxies": {"https": "http://u:p@proxy:3128"},
    }
    shown = actions.redact("std.http", given)
    assert shown["url"] == f"https://bob:{MASK}@example.com/x"
    assert shown["auth"] == MASK
    assert shown["headers"] == {"Authorization": MASK, "Accept": "json"}
    assert shown["cookies"] == MASK
    assert shown["proxies"] == {"https": f"http://u:{MASK}@proxy:3128"}
    assert "hunter2" not in repr(shown)


def test_nested_secrets_are_masked_and_input_is_not_changed() -> None:
    """Secrets inside nested dicts are masked; the given dict is left intact."""
    given = {"config": {"api_token": "t", "name": "n"}, "absent_password": None}
    shown = actions.redact("my.action", given)
    assert shown == {"config": {"api_token": MASK, "name": "n"}, "absent_password": None}
    assert given["config"] == {"api_token": "t", "name": "n"}
