"""``@record`` behaves as ``@dataclass`` does: the same ==, hash, repr, frozen-ness and
dataclasses helpers, for the same class written both ways."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.records import record


@dataclass(frozen=True)
class FrozenD:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)
    salt: int = field(default=0, hash=False)


@record(frozen=True)
class FrozenR:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)
    salt: int = field(default=0, hash=False)


@dataclass
class MutableD:
    name: str
    items: list[int] = field(default_factory=list)


@record
class MutableR:
    name: str
    items: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ChildD(FrozenD):
    extra: str = "x"


@record(frozen=True)
class ChildR(FrozenR):
    extra: str = "x"


values = st.fixed_dictionaries({
    "name": st.text(max_size=8), "count": st.integers(-3, 3),
    "tags": st.lists(st.sampled_from("abc"), max_size=3).map(tuple),
    "note": st.sampled_from(["", "n"]), "secret": st.sampled_from(["", "s"]),
    "salt": st.integers(0, 2)})


def as_written(text: str) -> str:
    return text.replace("D(", "?(").replace("R(", "?(")


@given(values, values)
def test_frozen_records_compare_hash_and_show_as_dataclasses_do(
        a: dict[str, Any], b: dict[str, Any]) -> None:
    da, db, ra, rb = FrozenD(**a), FrozenD(**b), FrozenR(**a), FrozenR(**b)
    assert (ra == rb) is (da == db)
    assert (ra != rb) is (da != db)
    assert hash(ra) == hash(da) and hash(rb) == hash(db)
    assert as_written(repr(ra)) == as_written(repr(da))
    assert {ra, rb} == {FrozenR(**a), FrozenR(**b)}


def test_hash_is_the_hash_of_the_hashed_fields() -> None:
    a: dict[str, Any] = {"name": "n", "count": 2, "tags": ("a",), "note": "x", "secret": "s", "salt": 9}
    assert hash(FrozenR(**a)) == hash(FrozenD(**a)) == hash(("n", 2, ("a",), "s"))


@given(values)
def test_subclasses_compare_with_their_inherited_fields(a: dict[str, Any]) -> None:
    assert ChildR(**a) == ChildR(**a) and ChildR(**a) != ChildR(**a, extra="y")
    assert as_written(repr(ChildR(**a))) == as_written(repr(ChildD(**a)))
    assert hash(ChildR(**a)) == hash(ChildD(**a))
    assert FrozenR(**a) != ChildR(**a)  # another class is never equal, as for dataclasses
    assert FrozenR(**a).__eq__(ChildR(**a)) is NotImplemented


def test_frozen_records_refuse_changes() -> None:
    r = FrozenR("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.name = "b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del r.name


def test_mutable_records_are_unhashable_and_compare_by_value() -> None:
    a, b = MutableR("a", [1]), MutableR("a", [1])
    assert a == b and a is not b
    b.items.append(2)
    assert a != b
    with pytest.raises(TypeError):
        hash(a)
    assert as_written(repr(b)) == as_written(repr(MutableD("a", [1, 2])))
    other: object = MutableD("a")
    assert MutableR("a") != other


def test_a_record_that_contains_itself_is_shown_without_recursing() -> None:
    a = MutableR("loop")
    a.items.append(a)  # type: ignore[arg-type]
    assert repr(a) == "MutableR(name='loop', items=[...])"


def test_dataclasses_helpers_work_unchanged() -> None:
    r = FrozenR("a", 1, ("t",))
    assert dataclasses.is_dataclass(r)
    assert [f.name for f in dataclasses.fields(r)] == [f.name for f in dataclasses.fields(
        FrozenD("a"))]
    assert dataclasses.replace(r, count=2) == FrozenR("a", 2, ("t",))
    assert dataclasses.asdict(r) == dataclasses.asdict(FrozenD("a", 1, ("t",)))
    assert FrozenR.__match_args__ == FrozenD.__match_args__
    assert MutableR("x").items == [] and MutableR("x").items is not MutableR("y").items


def test_methods_the_class_defines_are_kept() -> None:
    @record(frozen=True)
    class Own:
        value: int

        def __repr__(self) -> str:
            return "own"

        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return 7

    assert repr(Own(1)) == "own" and Own(1) == Own(2) and hash(Own(3)) == 7

    @record(frozen=True)
    class EqOnly:
        value: int

        def __eq__(self, other: object) -> bool:
            return False

    # As with @dataclass: __eq__ without __hash__ is not a hash of its own, so one is made.
    assert hash(EqOnly(1)) == hash((1,))


def test_a_frozen_record_lets_init_set_each_field_once_and_nothing_after() -> None:
    r = FrozenR("a", 1)
    assert (r.name, r.count, r.note, r.salt) == ("a", 1, "", 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.other = 1  # type: ignore[attr-defined]  # not a field: refused too, as for @dataclass
    with pytest.raises(dataclasses.FrozenInstanceError):
        object.__getattribute__(r, "__setattr__")("count", 5)
    assert r.count == 1
    child = ChildR("b")
    with pytest.raises(dataclasses.FrozenInstanceError):
        child.name = "c"  # type: ignore[misc]  # an inherited field of a frozen subclass


def test_a_plain_subclass_of_a_frozen_record_may_add_attributes_but_not_change_fields() -> None:
    class Plain(FrozenR):
        pass

    p = Plain("a")
    p.extra = 1  # type: ignore[attr-defined]  # allowed, as for a subclass of a frozen dataclass
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "b"  # type: ignore[misc]

    class PlainD(FrozenD):
        pass

    pd = PlainD("a")
    pd.extra = 1  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        pd.name = "b"  # type: ignore[misc]
