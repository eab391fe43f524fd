"""The data yaql sees as ``$``: a frozen view of the workflow data, converted lazily.

yaql wants input data frozen (dicts as ``FrozenDict``, lists as tuples, sets as
frozensets) and converts it all before each evaluation, which costs time in proportion
to the whole workflow context even when an expression reads one key. Here a dict becomes
a :class:`LazyFrozenDict` at once, and each value is converted when first read, so the
cost follows what the expression reads. The values read are those yaql's own conversion
would give.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from yaql.language import utils


def convert(value: Any, _rec: Any = None) -> Any:
    """``value`` as yaql's ``convert_input_data`` gives it, dicts converted lazily."""
    if isinstance(value, Mapping) and all(type(key) is str for key in value):
        return LazyFrozenDict(value)
    return utils.convert_input_data(value, convert)


class LazyFrozenDict(utils.FrozenDict):  # type: ignore[misc]
    """A ``FrozenDict`` over a mapping with text keys, converting values on first read."""

    def __init__(self, source: Mapping[str, Any]) -> None:
        # FrozenDict's own constructor would copy (and so convert) everything at once.
        self._source = source
        self._done: dict[str, Any] = {}
        self._hash = None

    @property
    def _d(self) -> dict[str, Any]:
        """The fully converted dict, for any code reading FrozenDict's storage."""
        return {key: self[key] for key in self._source}

    def __iter__(self) -> Iterator[str]:
        return iter(self._source)

    def __len__(self) -> int:
        return len(self._source)

    def __contains__(self, key: object) -> bool:
        return key in self._source

    def __getitem__(self, key: str) -> Any:
        try:
            return self._done[key]
        except KeyError:
            value = self._done[key] = convert(self._source[key])
            return value

    def get(self, key: str, default: Any = None) -> Any:
        """The converted value at ``key``, or ``default``."""
        return self[key] if key in self._source else default

    def __repr__(self) -> str:
        return repr(self._d)


# Some of yaql's errors name the type of a value ("int() argument must be ... not
# 'FrozenDict'"): the lazy dict bears the name of the class it stands for, so that lazy
# conversion changes no error.
LazyFrozenDict.__name__ = LazyFrozenDict.__qualname__ = utils.FrozenDict.__name__
