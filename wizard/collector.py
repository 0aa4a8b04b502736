"""The cyclic garbage collector, paused while the wizard starts.

Importing Textual and building the first screen allocate a few hundred thousand long-lived
objects (modules, classes, styles, widgets). With the collector on, those allocations set off
about 150 collections, each walking everything allocated so far: about a tenth of the time to
the first frame. :func:`pause` stops it before the UI is imported; :func:`resume`, called once
the first frame is drawn, moves everything alive then into the permanent generation (it was
built to last; later collections no longer walk it) and turns the collector back on.

Only the interactive wizard pauses it: ``check`` and the other commands leave it alone.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collection until :func:`resume` (once per process; no-op when the
    collector is already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Undo :func:`pause`: freeze what start-up built, then collect automatically again. A
    no-op when :func:`pause` did not turn the collector off (tests, an embedding program)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def paused() -> bool:
    return _paused
