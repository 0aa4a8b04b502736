"""``@record``: a dataclass whose methods are shared, not generated for each class.

Every value type of the wizard is a dataclass. For each one, CPython (3.10–3.12) writes the
source of ``__init__``, ``__repr__``, ``__eq__`` (and, when frozen, ``__hash__``,
``__setattr__`` and ``__delattr__``) and compiles each separately: with some 150 dataclasses,
``check`` spent about 40 ms of its start-up compiling methods that differ only in their field
names. ``@record`` and ``@record(frozen=True)`` let ``dataclasses`` make the fields and
``__init__`` (``eq=False, repr=False``, never ``frozen``) and give each class the other
methods from one implementation each, which behave as the generated ones do:

- ``a == b``: only for two instances of exactly the same class (otherwise
  ``NotImplemented``), comparing the fields with ``compare=True`` as tuples, in field order;
- ``hash(a)``: a frozen record hashes the tuple of those fields (``hash=False`` fields left
  out, ``hash=True`` ones kept); a mutable one is unhashable, as a dataclass with ``eq=True`` is;
- ``repr(a)``: ``Qualname(field=value!r, …)`` over the fields with ``repr=True``, and ``...``
  for an instance that contains itself;
- frozen: assigning or deleting a field, or any attribute of the record class itself, raises
  ``dataclasses.FrozenInstanceError``. The one difference: ``__init__`` sets each field with a
  plain assignment, which is let through once per field (the generated frozen ``__init__`` goes
  around ``__setattr__`` instead).

A method the class defines itself is kept, as ``@dataclass`` keeps it. Everything else is
``dataclasses``' own: fields, defaults, ``__init__``, ``replace``, ``fields``, ``asdict``,
``__match_args__``; type checkers see a dataclass (``dataclass_transform``, frozen included).
"""

from __future__ import annotations

import dataclasses
import reprlib
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:
    from typing_extensions import dataclass_transform

T = TypeVar("T")

_COMPARED: dict[type, tuple[str, ...]] = {}
_HASHED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}


def _names(cache: dict[type, tuple[str, ...]], cls: type,
           keep: Callable[[dataclasses.Field[Any]], bool]) -> tuple[str, ...]:
    names = cache.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if keep(f))
        cache[cls] = names
    return names


def _compared(cls: type) -> tuple[str, ...]:
    return _names(_COMPARED, cls, lambda f: f.compare)


def _values(obj: object, names: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in names)


def _eq(self: object, other: object) -> bool:
    if other.__class__ is not self.__class__:
        unlike: bool = NotImplemented  # Python then asks the other operand, as for dataclasses
        return unlike
    names = _compared(self.__class__)
    same: bool = _values(self, names) == _values(other, names)
    return same


def _hash(self: object) -> int:
    names = _names(_HASHED, self.__class__,
                   lambda f: f.hash if f.hash is not None else f.compare)
    return hash(_values(self, names))


@reprlib.recursive_repr()
def _repr(self: object) -> str:
    names = _names(_SHOWN, self.__class__, lambda f: f.repr)
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
    return f"{self.__class__.__qualname__}({shown})"


def _frozen(cls: type, names: frozenset[str]) -> tuple[Callable[..., None], Callable[..., None]]:
    """``__setattr__`` and ``__delattr__`` of a frozen record: as ``@dataclass(frozen=True)``
    makes them, except that ``__init__`` may set each field once (it assigns them plainly)."""

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if (type(self) is cls or name in names) and (name not in names or name in self.__dict__):
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    return __setattr__, __delattr__


def _finish(cls: type[T], frozen: bool) -> type[T]:
    own = dict(cls.__dict__)
    # As dataclasses decide it: a class that defines __eq__ but not __hash__ gets
    # __hash__ = None from Python itself, which is not a hash of its own.
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    made = dataclasses.dataclass(cls, eq=False, repr=False)
    if frozen:
        names = frozenset(f.name for f in dataclasses.fields(cast(Any, made)))
        setter, deleter = _frozen(made, names)
        made.__setattr__ = setter  # type: ignore[method-assign]
        made.__delattr__ = deleter  # type: ignore[method-assign]
    if "__repr__" not in own:
        made.__repr__ = _repr  # type: ignore[method-assign]
    if "__eq__" not in own:
        made.__eq__ = _eq  # type: ignore[method-assign]
    if not explicit_hash:
        made.__hash__ = _hash if frozen else None  # type: ignore[assignment]
    return made


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any:
    """``@record`` / ``@record(frozen=True)``: see the module's docstring."""
    if cls is None:
        return lambda inner: _finish(inner, frozen)
    return _finish(cls, frozen)
