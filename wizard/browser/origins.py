"""Which pages may send tokens to the receiver, and the CORS answers they get.

The rule: with origins the user named (a deployed app, ``https://app.example.com``), exactly
those; with none named, any page served from this machine: ``http`` or ``https`` on
``localhost``, ``127.0.0.1`` or ``[::1]``, any port (where Vite, Next and Expo web serve during
development). Any other origin, a missing one, or ``null`` (a sandboxed frame, a ``file:``
page) gets no CORS header at all.

A page's ``fetch`` of ``application/json`` is not a "simple" request, so the browser first
sends a preflight (``OPTIONS`` with ``Origin``, ``Access-Control-Request-Method: POST``,
``Access-Control-Request-Headers: content-type``). The grant names the one origin, never
``*``. Chrome's old Private Network Access preflight header is answered when asked (harmless;
research 15.3); what Chrome does now is Local Network Access: a ``localhost`` page calling
``127.0.0.1`` is loopback to loopback and asks nothing, and an ``https`` page elsewhere gets
a permission prompt before the request goes. ``http://127.0.0.1`` is potentially trustworthy,
so an ``https`` page's request to it is not mixed content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from wizard.records import record

DEV_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
ALLOWED_METHOD = "POST"
ALLOWED_REQUEST_HEADERS = frozenset({"content-type"})
PREFLIGHT_MAX_AGE = "60"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_RE = re.compile(r"[a-z0-9.-]+|[0-9a-f:.]+")


class InvalidOrigin(ValueError):
    """A named origin that is not ``scheme://host[:port]``; ``text`` is what was given."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def normalise_origin(text: str) -> str | None:
    """``scheme://host[:port]`` as a browser serialises it (lowercase, the scheme's default
    port left out), or None for anything else: a path, a query, credentials, another scheme."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme not in _DEFAULT_PORTS or not host or not _HOST_RE.fullmatch(host) \
            or parts.username is not None or parts.password is not None \
            or parts.query or parts.fragment or parts.path not in ("", "/"):
        return None
    shown_host = f"[{host}]" if ":" in host else host
    shown_port = "" if port is None or port == _DEFAULT_PORTS[parts.scheme] else f":{port}"
    return f"{parts.scheme}://{shown_host}{shown_port}"


@record(frozen=True)
class OriginPolicy:
    named: frozenset[str] = frozenset()
    """The origins the user gave, normalised; empty: pages served from this machine."""

    @classmethod
    def of(cls, origins: Iterable[str] = ()) -> OriginPolicy:
        """Raises :class:`InvalidOrigin` for the first value that is not an origin."""
        named: set[str] = set()
        for text in origins:
            origin = normalise_origin(text)
            if origin is None:
                raise InvalidOrigin(text)
            named.add(origin)
        return cls(frozenset(named))

    def allows(self, origin: str | None) -> bool:
        """A browser sends the origin already serialised: anything else is not a browser's."""
        if origin is None or normalise_origin(origin) != origin:
            return False
        if self.named:
            return origin in self.named
        return urlsplit(origin).hostname in DEV_HOSTS


def requested_headers_allowed(value: str | None) -> bool:
    """``Access-Control-Request-Headers`` asks for nothing beyond ``content-type``."""
    asked = {name.strip().lower() for name in (value or "").split(",") if name.strip()}
    return asked <= ALLOWED_REQUEST_HEADERS


def grant(origin: str) -> dict[str, str]:
    """The headers that let the one page read the answer to its POST."""
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def preflight_grant(origin: str, *, private_network: bool) -> dict[str, str]:
    headers = {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": ALLOWED_METHOD,
        "Access-Control-Allow-Headers": "content-type",
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
        "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Private-Network",
    }
    if private_network:
        headers["Access-Control-Allow-Private-Network"] = "true"
    return headers
