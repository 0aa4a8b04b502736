"""The loopback HTTP plumbing the local stand-ins share (issuer, Convex, Clerk Backend API).

:class:`LocalServer` runs a threaded HTTP server on a background thread with start/stop, a
context manager, its address, a validated ``fault`` switch and a lock-guarded request record;
:class:`QuietHandler` prints nothing and sends a whole answer in one call. Standard library only.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Generic, TypeVar

JSON_TYPE = "application/json"
_Record = TypeVar("_Record")
_Owner = TypeVar("_Owner")
_Self = TypeVar("_Self", bound="LocalServer[Any]")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[QuietHandler],
                 owner: LocalServer[Any]) -> None:
        super().__init__(address, handler)
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up mid-answer (big, slow, timeouts)."""


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and knows the :class:`LocalServer` it serves."""

    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: nothing is printed."""

    def owner(self, kind: type[_Owner]) -> _Owner:
        """The stand-in this handler answers for, checked to be a ``kind``."""
        server = self.server
        owner = server.owner if isinstance(server, _Server) else None
        if not isinstance(owner, kind):
            raise TypeError(f"handler is not serving a {kind.__name__}")
        return owner

    def _send(self, status: int, body: bytes, ctype: str | None = JSON_TYPE,
              headers: dict[str, str] | None = None) -> None:
        """One whole answer; ``ctype`` None sends no ``Content-Type`` ("" sends an empty one)."""
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class LocalServer(Generic[_Record]):
    """A stand-in served on loopback by ``handler``; subclasses set the class attributes."""

    handler: ClassVar[type[QuietHandler]] = QuietHandler
    thread_name: ClassVar[str] = "local-server"
    faults: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._bind = (host, port)
        self._port: int | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        """Set by stop(): a handler waiting out a "slow" fault wakes at once."""
        self._lock = threading.Lock()
        self._fault: str | None = None
        self.slow_seconds = 3.0
        self.requests: list[_Record] = []

    # -- lifecycle -------------------------------------------------------------------------
    def start(self: _Self) -> _Self:
        if self._server is None:
            self._stopping.clear()
            server = _Server(self._bind, self.handler, self)
            self._server, self._port = server, int(server.server_address[1])
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
                name=f"{self.thread_name}-{self._port}")
            self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self: _Self) -> _Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return self._port

    @property
    def host(self) -> str:
        """``127.0.0.1:<port>``."""
        return f"{self._bind[0]}:{self.port}"

    @property
    def url(self) -> str:
        """The root URL, no trailing slash."""
        return f"http://{self.host}"

    # -- behaviour -------------------------------------------------------------------------
    @property
    def fault(self) -> str | None:
        return self._fault

    @fault.setter
    def fault(self, value: str | None) -> None:
        if value is not None and value not in self.faults:
            raise ValueError(f"unknown fault {value!r}; expected one of {sorted(self.faults)}")
        self._fault = value

    def _record(self, request: _Record) -> None:
        with self._lock:
            self.requests.append(request)
