"""Name lookups that wait at most so long: the system resolver has no timeout of its own, so
the lookup runs in a helper thread that is waited for only until the time is up (a lookup
still running then finishes on its own, a daemon thread, never waited for)."""

from __future__ import annotations

import socket
import threading


def lookup(host: str, port: int, timeout: float | None) -> tuple[list[str] | None, Exception | None]:
    """The addresses of ``host`` (first seen first), or why there are none; (None, None) when
    the resolver did not answer within ``timeout`` seconds."""
    found: list[list[str]] = []
    failed: list[Exception] = []

    def resolve() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.append(list(dict.fromkeys(str(info[4][0]) for info in infos)))
        except (OSError, ValueError, UnicodeError) as exc:  # no such name; a name that is none
            failed.append(exc)

    worker = threading.Thread(target=resolve, name="resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if failed:
        return None, failed[0]
    return (found[0] if found else None), None
