"""One pane per step of the walkthrough: step ``foo-bar`` is ``FooBarPane`` in ``foo_bar.py``.

Only the current step's pane is built at start; the others are imported and built on their
first visit, so the first frame styles ~25 widgets, not ~240.
"""

from __future__ import annotations

import importlib

from screens.panes.base import StepPane
from screens.widgets.step_rail import SUMMARY_ID
from wizard.walkthrough.steps import STEP_IDS

ORDER: tuple[str, ...] = (*STEP_IDS, SUMMARY_ID)
"""The panes in the order n and b move through them: every step, then the summary."""


def new_pane(step_id: str) -> StepPane:
    module = f"screens.panes.{step_id.replace('-', '_')}"
    name = "".join(part.title() for part in step_id.split("-")) + "Pane"
    pane_class = getattr(importlib.import_module(module), name)
    if not (isinstance(pane_class, type) and issubclass(pane_class, StepPane)):
        raise TypeError(f"{module}.{name} is not a step pane")
    return pane_class()
