"""A live "expires in N s" line, ticking from the app's injected clock."""

from __future__ import annotations

import math
from collections.abc import Callable

from screens.widgets.safe_static import SafeStatic, styled
from wizard.text.durations import how_long
from wizard.text.messages import _
from wizard.text.steps import FRESH_TOKEN_ADVICE


class ExpiryTicker(SafeStatic):
    def __init__(self, clock: Callable[[], float], snippet: Callable[[], str],
                 *, on_tick: Callable[[], None] | None = None, id: str | None = None) -> None:
        super().__init__("", id=id, classes="expiry")
        self.clock = clock
        self.snippet = snippet
        self.on_tick = on_tick  # keeps the token.exp row saying what this line says
        self.exp: float | None = None

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def set_exp(self, exp: float | None) -> None:
        self.exp = exp
        self.tick()

    @property
    def seconds_left(self) -> int | None:
        if self.exp is None:
            return None
        return int(self.exp - math.floor(self.clock()))

    def tick(self) -> None:
        left = self.seconds_left
        if left is not None and self.on_tick is not None:
            self.on_tick()
        self.set_class(left is not None and left <= 0, "-expired")
        if left is None:
            self.update("")
        elif left > 0:
            self.update(styled(_("[b]Expires in $left[/] (Convex allows no leeway)."),
                               left=how_long(left).render()))
        else:
            self.update(styled(_("[b]Expired $ago ago.[/] $advice\nRun: $snippet"),
                               ago=how_long(left).render(),
                               advice=_(FRESH_TOKEN_ADVICE), snippet=self.snippet()))
