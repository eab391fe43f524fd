"""Input signatures render as Mistral shows action input strings."""

from __future__ import annotations

from meltemi import actions


def test_signature_text_uses_json_defaults() -> None:
    """Required names first, defaults as JSON, ``**kwargs`` last."""

    def fn(
        ctx: object, url: str, method: str = "GET", body: object = None, **extra: object
    ) -> None: ...

    sig = actions.Signature.of(fn, skip=("ctx",))
    assert str(sig) == 'url, method="GET", body=null, **extra'


def test_registry_describes_std_echo_like_mistral() -> None:
    """describe() lists std.echo with Mistral's input string 'output, delay=0'."""
    infos = {i.name: i for i in actions.Registry.default(plugins=False).describe()}
    assert infos["std.echo"].input == "output, delay=0"
    assert infos["std.async_noop"].is_async
    assert {"std.noop", "std.http", "std.mistral_http", "std.ssh", "std.email"} <= set(infos)
