"""Rendering pages: the Jinja2 templates, their filters, forms, and errors shown to people.

Every dashboard route uses :class:`PageRoute`, so a :class:`errors.MeltemiError` raised
while building a page becomes an HTML page that says what happened and what to do
(the status code comes from :mod:`meltemi.api.errors`, the one place that knows them).
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import YamlLexer

from meltemi import errors
from meltemi.api import errors as api_errors
from meltemi.web import graph

FINAL = frozenset({"SUCCESS", "ERROR", "CANCELLED"})
HINTS: dict[type[errors.MeltemiError], str] = {
    errors.NotFound: "It may have been deleted, or the link is wrong. Go back to the list.",
    errors.Conflict: "Someone or something changed it meanwhile: reload the page and retry.",
    errors.InputError: "Correct the values in the form and submit it again.",
    errors.QueryError: "Remove the filter that does not apply and search again.",
    errors.DefinitionError: "Fix the definition and save it again.",
    errors.ExpressionError: "Fix the expression and try again.",
}
"""What a person can do about an error, by the nearest class in its MRO."""

ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("meltemi.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def when(value: dt.datetime | None) -> str:
    """A timestamp as ``YYYY-MM-DD HH:MM:SS`` (UTC), or an em dash."""
    if value is None:
        return "—"
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def duration(start: dt.datetime | None, end: dt.datetime | None) -> str:
    """How long from ``start`` to ``end`` (or to now while running), e.g. ``1m 05s``."""
    if start is None:
        return "—"
    stop = end or dt.datetime.now(dt.UTC)
    seconds = max((_aware(stop) - _aware(start)).total_seconds(), 0.0)
    if seconds < 10:
        return f"{seconds:.2f}s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def pretty(value: Any) -> str:
    """JSON, indented, for a ``<pre>`` block."""
    return json.dumps(value, indent=2, sort_keys=True, default=str, ensure_ascii=False)


def yaml_html(text: str) -> Markup:
    """YAML source highlighted as HTML (Pygments classes, styled by the dashboard's CSS)."""
    formatter = HtmlFormatter(nowrap=False, linenos="table", cssclass="source")
    return Markup(highlight(text, YamlLexer(), formatter))  # noqa: S704 - Pygments escapes


def short(identifier: str | None) -> str:
    """The first block of a UUID, enough for a person to tell rows apart."""
    return (identifier or "")[:8]


ENV.filters.update(when=when, pretty=pretty, short=short)
ENV.globals.update(
    duration=duration,
    FINAL=FINAL,
    yaml_html=yaml_html,
    graph_path=graph.path,
    now=lambda: dt.datetime.now(dt.UTC),
)


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` filled with ``context`` (plus ``request`` and ``path``)."""
    html = ENV.get_template(template).render(request=request, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """Go to ``url`` after a form was handled (303: the browser follows with GET)."""
    return RedirectResponse(url, status_code=303)


def hint(exc: errors.MeltemiError) -> str:
    """What a person can do about ``exc``."""
    for cls in type(exc).__mro__:
        if cls in HINTS:
            return HINTS[cls]
    return "Retry in a moment; if it keeps failing, the server log says more."


def error_page(request: Request, exc: errors.MeltemiError) -> HTMLResponse:
    """The page shown when a request failed with ``exc``."""
    return render(
        request,
        "error.html",
        status=api_errors.status_of(exc),
        title=type(exc).__name__,
        message=str(exc),
        hint=hint(exc),
    )


class PageRoute(APIRoute):
    """A route whose Meltemi errors become HTML error pages instead of JSON faults."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap the handler so that a MeltemiError renders :func:`error_page`."""
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except errors.MeltemiError as exc:
                return error_page(request, exc)

        return handle


async def _form(request: Request) -> dict[str, str]:
    """The fields of a URL-encoded form (the last value of a repeated field wins)."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    return dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))


Form = Annotated[dict[str, str], Depends(_form)]
"""A route parameter receiving the submitted form's fields."""


def json_field(form: dict[str, str], name: str, *, default: Any = None) -> Any:
    """The JSON value of a form field (``default`` when empty); InputError if not JSON."""
    raw = form.get(name, "").strip()
    if not raw:
        return default
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise errors.InputError(f"{name} is not valid JSON ({exc.msg})", field=name) from None


def json_object(form: dict[str, str], name: str) -> dict[str, Any]:
    """Like :func:`json_field`, but the value must be a JSON object (``{}`` when empty)."""
    value = json_field(form, name, default={})
    if not isinstance(value, dict):
        raise errors.InputError(f'{name} must be a JSON object, like {{"key": 1}}', field=name)
    return value


def loose_value(raw: str) -> Any:
    """A form value as JSON when it parses (``42``, ``true``, ``{...}``), else as text."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw
