"""The verified TLS context for issuer requests, built ahead of time.

Loading the CA bundle is the largest single cost of a ``check`` run (about 50 ms, as much as
importing httpx). OpenSSL reads the bundle without holding the GIL, so :func:`prewarm` starts
it in a thread right after httpx is imported, where it overlaps with importing PyJWT,
cryptography and the checks; :func:`verified_context` then hands it to every client's
transport. It is the very context httpx builds for ``verify=True`` (same function, same
defaults, same environment variables), so nothing about certificate verification changes.
"""

from __future__ import annotations

import atexit
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl

EXIT_WAIT = 5.0  # seconds the process waits at exit for a bundle still loading

_lock = threading.Lock()
_thread: threading.Thread | None = None
_context: ssl.SSLContext | None = None


def prewarm() -> None:
    """Start building the context in the background (once per process; cheap to call again)."""
    global _thread
    # Imported here, in the calling thread, so that the worker imports nothing: two threads
    # importing the same packages at once would only wait on each other's import locks.
    import certifi  # noqa: F401
    import httpx  # noqa: F401

    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_build, name="tls-context", daemon=True)
            _thread.start()
            # A run that ends early (a usage error) must not tear the interpreter down while
            # OpenSSL is still reading the bundle in that thread: that crashes the process.
            atexit.register(_thread.join, EXIT_WAIT)


def _build() -> None:
    global _context
    import httpx

    try:
        _context = httpx.create_ssl_context()
    except Exception:  # a broken SSL_CERT_FILE: verified_context raises it in the caller
        _context = None


def verified_context() -> ssl.SSLContext:
    """The prewarmed context (waiting for it if it is not ready), else one built now and kept,
    exactly as httpx builds it for ``verify=True``."""
    global _context
    thread = _thread
    if thread is not None:
        thread.join()
    if _context is None:
        import httpx

        _context = httpx.create_ssl_context()
    return _context
