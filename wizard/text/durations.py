"""Durations as a person reads them at a glance ("4 min", "3 years"), not as a count of
seconds ("expired 129473989 s ago")."""

from __future__ import annotations

from wizard.text.messages import N_, Message

MINUTE, HOUR, DAY, YEAR = 60, 3600, 86_400, 365 * 86_400


def how_long(seconds: float) -> Message:
    """``seconds`` (its sign ignored), rounded down to the largest unit that still reads as a
    number of at least two: 119 s, 2 min, 119 min, 2 h, 47 h, 2 days, 729 days, 2 years."""
    n = int(abs(seconds))
    if n < 2 * MINUTE:
        return Message(N_("{n} s"), n=n)
    if n < 2 * HOUR:
        return Message(N_("{n} min"), n=n // MINUTE)
    if n < 2 * DAY:
        return Message(N_("{n} h"), n=n // HOUR)
    if n < 2 * YEAR:
        return Message(N_("{n} days"), n=n // DAY)
    return Message(N_("{n} years"), n=n // YEAR)
