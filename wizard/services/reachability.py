"""Telling "this machine is offline" from "that address is wrong".

A fetch of the issuer that fails on its name or its route says the same thing to everyone:
it could not connect. When the name did not resolve, the wizard asks the resolver for one
other name (:data:`REFERENCE_HOST`, Clerk's API: a lookup, nothing is sent to it); when that
fails too, or the system said there is no route to any network, the problem is this machine's
network, not the issuer value, and the fix is to connect or to verify offline with a saved
key set (``check --offline --jwks FILE``).
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from urllib.parse import urlsplit

from wizard.services.lookup import lookup

REFERENCE_HOST = "api.clerk.com"
"""A name that resolves wherever Clerk can be used at all."""

LOOKUP_WAIT = 3.0  # seconds the reference lookup may take before it counts as failed

_NO_ROUTE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN}


def _os_error(exc: BaseException) -> OSError | None:
    """The operating system's error under a library's (httpx wraps httpcore, which wraps it)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _resolves(host: str, timeout: float) -> bool:
    return lookup(host, 443, timeout)[0] is not None


def _proxied(host: str, scheme: str) -> bool:
    """A proxy named in the environment makes the request (and resolves its names)."""
    import urllib.request

    proxies = urllib.request.getproxies_environment()
    return bool(proxies.get(scheme) or proxies.get("all")) and not urllib.request.proxy_bypass(
        host)


def offline(url: str, exc: BaseException) -> str | None:
    """Why the failed request for ``url`` (``exc``) says this machine cannot reach any
    network: no route to it, or its name does not resolve while :data:`REFERENCE_HOST` does
    not either. None for everything else (refused, timed out, a name that only this host
    lacks, a request made through a proxy)."""
    no_route = "there is no route to any network"
    cause = _os_error(exc)
    if cause is not None and not isinstance(cause, socket.gaierror) and cause.errno in _NO_ROUTE:
        return no_route
    if isinstance(exc, ValueError) or type(exc).__name__ in ("InvalidURL", "UnsupportedProtocol"):
        return None  # a URL that cannot be fetched at all says nothing about the network
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if not host or _is_address(host) or _proxied(host, parts.scheme):
        return None
    if any(word in str(exc).lower() for word in ("network is unreachable", "no route to host")):
        return no_route
    if _resolves(host, LOOKUP_WAIT) or _resolves(REFERENCE_HOST, LOOKUP_WAIT):
        return None
    return f"{REFERENCE_HOST} does not resolve either"


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost"
    return True
