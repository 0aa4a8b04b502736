"""Bengali measured as terminals draw it, so that a Bengali line never ends past its box.

Rich (and so Textual) counts every Bengali mark as no cell. Terminals give a spacing vowel
sign or mark (Unicode category Mc: া ি ী ে ৈ ো ৌ ৗ ং ঃ) a cell of its own: xterm, the VTE
family, Konsole, iTerm2, Terminal.app, Ghostty and xterm.js all do for every one of them,
and every measured terminal does for ী ৈ ৌ ং ঃ (docs/glossary.bn.md, "What terminals
draw"). Counted as Rich counts them, a row with Bengali in the step list pushes the pane
beside it to the right. Counted as one cell each, Textual's layout is what most terminals
draw and never narrower than what any of them draws: a box can end a cell early, never
spill over. Non-spacing marks (Mn: ্ ু ূ ৃ ঁ ়) stay at no cell, as everywhere.
"""

from __future__ import annotations

import unicodedata

import rich.cells
from rich._unicode_data import load as load_cell_table  # the table rich.cells reads

SPACING_MARKS = frozenset(code for code in range(0x0980, 0x0A00)
                          if unicodedata.category(chr(code)) == "Mc")
"""The Bengali block's spacing marks (Mc)."""

_counted = False


def count_bengali_spacing_marks() -> None:
    """Give each Bengali spacing mark one cell in Rich's width table (once per process).

    Rich has no setting for this: its table of zero-width ranges (``load_cell_table``, the
    one ``cell_len`` and Textual read) is rebuilt without these code points, which Rich then
    measures as one cell like any letter, and its width caches are cleared."""
    global _counted
    if _counted:
        return
    widths = load_cell_table("auto").widths
    rebuilt: list[tuple[int, int, int]] = []
    for start, end, width in widths:
        if width != 0 or end < 0x0980 or start > 0x09FF:
            rebuilt.append((start, end, width))
            continue
        run_start: int | None = None
        for code in range(start, end + 1):
            if code in SPACING_MARKS:
                if run_start is not None:
                    rebuilt.append((run_start, code - 1, 0))
                    run_start = None
            elif run_start is None:
                run_start = code
        if run_start is not None:
            rebuilt.append((run_start, end, 0))
    if not isinstance(widths, list):  # a table Rich keeps immutable would be left as it is
        return
    widths[:] = rebuilt
    rich.cells.get_character_cell_size.cache_clear()
    rich.cells.cached_cell_len.cache_clear()
    _counted = True
