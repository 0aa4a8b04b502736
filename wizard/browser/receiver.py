"""A one-time HTTP receiver on 127.0.0.1 for the two tokens the console snippet sends.

- Loopback only: it binds an IPv4 loopback address (``127.0.0.1`` by default) and refuses any
  other before a socket is made; the port is the system's pick.
- One path, ``/<nonce>``, with a 128-bit nonce from :mod:`secrets`, compared in constant time.
  Every other path is a bare 404: nothing is served, listed or echoed, and no answer has a
  body. A request whose ``Host`` is not the receiver's own address is refused (a page on a
  rebound DNS name cannot reach it).
- CORS for the page's origin only (:mod:`wizard.browser.origins`).
- Single use: the first well-formed token POST is taken, and the listener is closed before the
  page hears back, so a second request finds no one there (one already connected gets 410).
  After ``wait`` seconds (default 120), or on :meth:`LoopbackReceiver.cancel`, it closes too.
- Bodies are capped at 64 KiB and must be the snippet's JSON; a refused request is noted in
  the result (why, its method, its origin when that was a well-formed one), never its body or
  its path. Nothing is logged, printed or saved; the tokens live in memory only.

:meth:`LoopbackReceiver.wait_for_tokens` blocks (run it in a thread worker);
:meth:`LoopbackReceiver.cancel` ends the wait from any thread.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import socketserver
import threading
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from wizard.browser.origins import (
    OriginPolicy,
    grant,
    normalise_origin,
    preflight_grant,
    requested_headers_allowed,
)
from wizard.browser.payload import MAX_PAYLOAD_BYTES, BrowserTokens, PayloadProblem, read_payload
from wizard.browser.snippet import copy_snippet, send_snippet
from wizard.records import record
from wizard.services.http import content_essence

DEFAULT_WAIT = 120.0
LOOPBACK = "127.0.0.1"
NONCE_BYTES = 16
READ_TIMEOUT = 5.0
"""Seconds one connection may take to send its request: a stalled client is dropped."""
MAX_REFUSALS = 32
_POLL_SECONDS = 0.05


class NotLoopback(ValueError):
    """The receiver was asked to listen on ``address``, which is not an IPv4 loopback address."""

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


class Outcome(str, Enum):
    WAITING = "waiting"
    RECEIVED = "received"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"


class Refused(str, Enum):
    NOT_FOUND = "not_found"  # any other path (a wrong nonce too)
    HOST_MISMATCH = "host_mismatch"  # Host is not the receiver's 127.0.0.1:port
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"  # no Origin, null, or not the page's
    PREFLIGHT_NOT_ALLOWED = "preflight_not_allowed"  # asks for another method or header
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # not application/json
    LENGTH_REQUIRED = "length_required"  # no Content-Length (or chunked)
    TOO_LARGE = "too_large"
    INCOMPLETE_BODY = "incomplete_body"  # fewer bytes than announced, in time
    MALFORMED_JSON = "malformed_json"
    MALFORMED_BODY = "malformed_body"  # JSON, but not the snippet's document
    ORIGIN_MISMATCH = "origin_mismatch"  # the document names another page than Origin
    MALFORMED_REQUEST = "malformed_request"  # a request line or header http.server refused
    ALREADY_USED = "already_used"  # tokens were already taken
    CLOSED = "closed"  # the receiver timed out or was cancelled


_PAYLOAD_REFUSALS = {
    PayloadProblem.TOO_LARGE: (Refused.TOO_LARGE, 413),
    PayloadProblem.MALFORMED_JSON: (Refused.MALFORMED_JSON, 400),
    PayloadProblem.MALFORMED_BODY: (Refused.MALFORMED_BODY, 400),
}


@record(frozen=True)
class Refusal:
    reason: Refused
    method: str
    status: int
    origin: str | None
    """The request's ``Origin`` when it was a well-formed origin; None otherwise."""

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason.value, "method": self.method, "status": self.status,
                "origin": self.origin}


@record(frozen=True)
class ReceiverResult:
    outcome: Outcome
    tokens: BrowserTokens | None
    origin: str | None
    """The ``Origin`` of the page whose POST was taken."""
    refusals: tuple[Refusal, ...]
    refusals_dropped: int
    """Refusals past :data:`MAX_REFUSALS`, counted but not kept."""
    preflights: int
    """Preflights granted: one without a POST after it hints at a browser that blocked it."""

    def to_dict(self) -> dict[str, Any]:
        """Everything but the tokens themselves."""
        tokens = self.tokens
        return {
            "outcome": self.outcome.value, "origin": self.origin,
            "page_origin": tokens.page_origin if tokens else None,
            "tokens": tokens.pair.to_dict() if tokens else None,
            "refusals": [r.to_dict() for r in self.refusals],
            "refusals_dropped": self.refusals_dropped, "preflights": self.preflights,
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], receiver: LoopbackReceiver) -> None:
        self.receiver = receiver
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse lookup of the address (a DNS query for nothing)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), \
            int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that hangs up is nothing to report."""


class _Handler(BaseHTTPRequestHandler):
    server_version = "convex-auth-wizard"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.receiver.read_timeout)

    @property
    def receiver(self) -> LoopbackReceiver:
        server = self.server
        if not isinstance(server, _Server):
            raise TypeError("not served by a loopback receiver")
        return server.receiver

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Nothing is logged."""

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """http.server's own refusals (a bad request line, an unknown method, headers too
        long): the status alone, nothing of the request echoed back."""
        self.close_connection = True
        self._refuse(code, Refused.MALFORMED_REQUEST)

    def _answer(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": "0", "Cache-Control": "no-store",
                            "Connection": "close", **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()

    def _refuse(self, status: int, reason: Refused, headers: dict[str, str] | None = None) -> None:
        origin = self.headers.get("Origin") if hasattr(self, "headers") else None
        method = getattr(self, "command", None) or ""
        self.receiver._note(Refusal(
            reason, method if method.isascii() and method.isalpha() else "", status,
            origin if origin and normalise_origin(origin) == origin else None))
        self._answer(status, headers)

    def _route(self) -> None:
        receiver = self.receiver
        if not receiver._is_own_path(self.path):
            self._refuse(404, Refused.NOT_FOUND)
            return
        if (self.headers.get("Host") or "").lower() != receiver.host:
            self._refuse(421, Refused.HOST_MISMATCH)
            return
        origin = self.headers.get("Origin")
        if origin is None or not receiver.policy.allows(origin):
            self._refuse(403, Refused.ORIGIN_NOT_ALLOWED)
            return
        if self.command == "OPTIONS":
            self._preflight(origin)
        elif self.command == "POST":
            self._post(origin)
        else:
            self._refuse(405, Refused.METHOD_NOT_ALLOWED, {"Allow": "OPTIONS, POST"})

    do_GET = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_TRACE = do_CONNECT = _route
    do_OPTIONS = do_POST = _route

    def _preflight(self, origin: str) -> None:
        if self.headers.get("Access-Control-Request-Method") != "POST" or \
                not requested_headers_allowed(self.headers.get("Access-Control-Request-Headers")):
            self._refuse(403, Refused.PREFLIGHT_NOT_ALLOWED)
            return
        if (closed := self.receiver._closed_reason()) is not None:
            self._refuse(410, closed)
            return
        asked = (self.headers.get("Access-Control-Request-Private-Network") or "").lower()
        self.receiver._note_preflight()
        self._answer(204, preflight_grant(origin, private_network=asked == "true"))

    def _post(self, origin: str) -> None:
        allowed = grant(origin)  # the page may read why it was refused
        if content_essence(self.headers.get("Content-Type") or "") != "application/json":
            self._refuse(415, Refused.UNSUPPORTED_MEDIA_TYPE, allowed)
            return
        declared = self.headers.get("Content-Length")
        if declared is None or "Transfer-Encoding" in self.headers:
            self._refuse(411, Refused.LENGTH_REQUIRED, allowed)
            return
        if not declared.isdigit():
            self._refuse(400, Refused.MALFORMED_REQUEST, allowed)
            return
        length = int(declared)
        if length > MAX_PAYLOAD_BYTES:
            self.close_connection = True
            self._refuse(413, Refused.TOO_LARGE, allowed)
            return
        try:
            body = self.rfile.read(length)
        except OSError:
            body = b""
        if len(body) < length:
            self._refuse(400, Refused.INCOMPLETE_BODY, allowed)
            return
        tokens = read_payload(body)
        if isinstance(tokens, PayloadProblem):
            reason, status = _PAYLOAD_REFUSALS[tokens]
            self._refuse(status, reason, allowed)
            return
        if tokens.page_origin is not None and tokens.page_origin != origin:
            self._refuse(400, Refused.ORIGIN_MISMATCH, allowed)
            return
        refused = self.receiver._accept(tokens, origin)
        if refused is not None:
            self._refuse(410, refused, allowed)
            return
        self._answer(204, allowed)


class LoopbackReceiver:
    """Receives the tokens once. ``origins``: the pages allowed to send (none named: pages
    served from this machine, :mod:`wizard.browser.origins`); ``wait``: seconds before it
    closes on its own; ``bind``: the loopback address (any other raises :class:`NotLoopback`);
    ``read_timeout``: seconds one connection may take to send its request.
    Use as a context manager, or :meth:`start` then :meth:`wait_for_tokens` or :meth:`cancel`.
    """

    def __init__(self, *, origins: OriginPolicy | None = None, wait: float = DEFAULT_WAIT,
                 bind: str = LOOPBACK, read_timeout: float = READ_TIMEOUT) -> None:
        try:
            address = ipaddress.ip_address(bind)
        except ValueError:
            raise NotLoopback(bind) from None
        if address.version != 4 or not address.is_loopback:
            raise NotLoopback(bind)
        self.policy = origins or OriginPolicy()
        self.wait = wait
        self.read_timeout = read_timeout
        self._bind = str(address)
        self._nonce = secrets.token_urlsafe(NONCE_BYTES)
        self._own_path = ("/" + self._nonce).encode("ascii")
        self._lock = threading.Lock()
        self._outcome = Outcome.WAITING
        self._tokens: BrowserTokens | None = None
        self._origin: str | None = None
        self._refusals: list[Refusal] = []
        self._dropped = 0
        self._preflights = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._stop = threading.Event()
        self._done = threading.Event()
        self._closing = False

    def __repr__(self) -> str:
        port = self._server.server_port if self._server else None
        return f"LoopbackReceiver({self._bind}:{port}, {self._outcome.value})"

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> LoopbackReceiver:
        """Listen (once; OSError when no port can be had), and close after ``wait`` seconds."""
        if self._server is not None or self._done.is_set():
            return self
        server = _Server((self._bind, 0), self)
        if server.server_address[0] != self._bind:  # the socket must be where it was asked
            server.server_close()
            raise NotLoopback(str(server.server_address[0]))
        self._server = server
        self._thread = threading.Thread(target=self._serve, daemon=True,
                                        name=f"browser-receiver-{server.server_port}")
        self._timer = threading.Timer(self.wait, self._finish, (Outcome.TIMED_OUT,))
        self._timer.daemon = True
        self._thread.start()
        self._timer.start()
        return self

    def wait_for_tokens(self) -> ReceiverResult:
        """Block until the tokens arrive, ``wait`` runs out, or :meth:`cancel`; then closed."""
        if self._server is None:
            raise RuntimeError("the receiver was not started")
        self._done.wait()
        return self.result()

    def cancel(self) -> ReceiverResult:
        """Stop waiting (from any thread); the listener is closed when this returns."""
        self._finish(Outcome.CANCELLED)
        if self._server is not None:
            self._done.wait()
        return self.result()

    def __enter__(self) -> LoopbackReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cancel()

    # -- what to show ----------------------------------------------------------------------
    @property
    def host(self) -> str:
        """``127.0.0.1:<port>``, as the snippet's URL names it."""
        if self._server is None:
            raise RuntimeError("the receiver was not started")
        return f"{self._bind}:{self._server.server_port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}/{self._nonce}"

    def snippet(self) -> str:
        return send_snippet(self.url)

    @staticmethod
    def copy_snippet() -> str:
        return copy_snippet()

    def result(self) -> ReceiverResult:
        with self._lock:
            return ReceiverResult(self._outcome, self._tokens, self._origin,
                                  tuple(self._refusals), self._dropped, self._preflights)

    # -- used by the handler ---------------------------------------------------------------
    def _is_own_path(self, path: str) -> bool:
        return hmac.compare_digest(path.encode("latin-1", "replace"), self._own_path)

    def _note(self, refusal: Refusal) -> None:
        with self._lock:
            if len(self._refusals) < MAX_REFUSALS:
                self._refusals.append(refusal)
            else:
                self._dropped += 1

    def _note_preflight(self) -> None:
        with self._lock:
            self._preflights += 1

    def _closed_reason(self) -> Refused | None:
        with self._lock:
            return _closed_reason(self._outcome)

    def _accept(self, tokens: BrowserTokens, origin: str) -> Refused | None:
        with self._lock:
            refused = _closed_reason(self._outcome)
            if refused is None:
                self._outcome, self._tokens, self._origin = Outcome.RECEIVED, tokens, origin
        if refused is None:
            self._close()  # before the page hears back: no second request finds a listener
        return refused

    def _finish(self, outcome: Outcome) -> None:
        with self._lock:
            if self._outcome is Outcome.WAITING:
                self._outcome = outcome
        self._close()

    # -- the listener ----------------------------------------------------------------------
    def _serve(self) -> None:
        server = self._server
        assert server is not None
        server.timeout = _POLL_SECONDS
        while not self._stop.is_set():
            server.handle_request()

    def _close(self) -> None:
        with self._lock:
            if self._closing:
                return
            self._closing = True
        if self._timer is not None:
            self._timer.cancel()
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        if self._server is not None:
            self._server.server_close()
        self._done.set()


def _closed_reason(outcome: Outcome) -> Refused | None:
    if outcome is Outcome.RECEIVED:
        return Refused.ALREADY_USED
    return None if outcome is Outcome.WAITING else Refused.CLOSED
