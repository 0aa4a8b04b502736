"""One deadline for a whole fetch, enforced on every socket operation (SPEC §6).

httpx's timeouts bound each operation, so a server that sends its headers one byte a second
never trips a 10 s read timeout and can hold a run for hours. Here every connect, TLS
handshake, read and write gets at most what is left of the deadline that
:func:`wizard.services.http.request_capped` sets for a fetch and all its redirect hops, and none
starts after it has passed: a trickling server is cut at the deadline with a timeout. The name
is resolved in a helper thread that is waited for only until the deadline (the system resolver
has no timeout of its own), and each resolved address gets only what is left.

:class:`DeadlineTransport` is httpx's transport interface over httpcore's connection pool
with this network backend; the proxies named in the environment (``HTTPS_PROXY``,
``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) are honoured as httpx would. Imported on first
use, with httpx.
"""

from __future__ import annotations

import contextlib
import contextvars
import ssl
import time
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any, cast

import httpcore
import httpx

from wizard.services.lookup import lookup

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "fetch_deadline", default=None)


@contextlib.contextmanager
def deadline_after(seconds: float) -> Iterator[None]:
    """Every socket operation of this thread inside the block ends ``seconds`` from now."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _within(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` shrunk to what is left of the deadline; ``expired`` once nothing is."""
    end = _DEADLINE.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("the deadline of this request passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        # One settimeout covers the whole handshake: CPython's SSL handshake keeps its own
        # deadline across the reads it makes.
        return _Stream(self._inner.start_tls(ssl_context, server_hostname,
                                             _within(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _resolve(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses of ``host``, waiting for the resolver at most ``timeout`` seconds."""
    addresses, failed = lookup(host, port, timeout)
    if failed is not None:
        raise httpcore.ConnectError(str(failed)) from failed
    if addresses is None:
        raise httpcore.ConnectTimeout(f"resolving {host} took too long")
    return addresses


class _Backend(httpcore.SyncBackend):
    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = _resolve(host, port, _within(timeout, httpcore.ConnectTimeout))
        for index, address in enumerate(addresses):
            try:
                return _Stream(super().connect_tcp(
                    address, port, _within(timeout, httpcore.ConnectTimeout), local_address,
                    socket_options))
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                if index == len(addresses) - 1:
                    raise
        raise httpcore.ConnectError(f"{host} has no address")


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """httpcore's exceptions as the httpx exceptions of the same name, as httpx raises them."""
    try:
        yield
    except Exception as exc:
        if not type(exc).__module__.startswith("httpcore"):
            raise
        mapped = getattr(httpx, type(exc).__name__, None)
        if not (isinstance(mapped, type) and issubclass(mapped, httpx.TransportError)):
            mapped = httpx.TransportError
        raise mapped(str(exc)) from exc


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


def _proxy_pool(proxy: str, ssl_context: ssl.SSLContext) -> httpcore.ConnectionPool:
    url = httpx.URL(proxy if "://" in proxy else "http://" + proxy)
    if url.scheme not in ("http", "https"):
        raise httpx.ProxyError(f"the proxy {url.scheme}://{url.host} named in the environment "
                               "is not supported (only http and https proxies are)")
    auth = (url.username, url.password) if url.username else None
    return httpcore.HTTPProxy(
        proxy_url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port,
                               target=b"/"),
        proxy_auth=auth, ssl_context=ssl_context, network_backend=_Backend())


class DeadlineTransport(httpx.BaseTransport):
    """Direct connections and environment proxies, each through the deadline backend."""

    def __init__(self, ssl_context: ssl.SSLContext) -> None:
        self._ssl_context = ssl_context
        self._direct = httpcore.ConnectionPool(ssl_context=ssl_context,
                                               network_backend=_Backend())
        self._proxied: dict[str, httpcore.ConnectionPool] = {}

    def _pool(self, url: httpx.URL) -> httpcore.ConnectionPool:
        proxies = urllib.request.getproxies_environment()
        proxy = proxies.get(url.scheme) or proxies.get("all")
        # With a proxy in the environment, proxy_bypass reads NO_PROXY from there too.
        if not proxy or urllib.request.proxy_bypass(url.host):
            return self._direct
        if proxy not in self._proxied:
            self._proxied[proxy] = _proxy_pool(proxy, self._ssl_context)
        return self._proxied[proxy]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host,
                             port=request.url.port, target=request.url.raw_path),
            headers=request.headers.raw, content=cast("Iterable[bytes]", request.stream),
            extensions=request.extensions)
        with _as_httpx_errors():
            answer = self._pool(request.url).handle_request(core)
        return httpx.Response(status_code=answer.status, headers=answer.headers,
                              stream=_Body(cast("Iterable[bytes]", answer.stream)),
                              extensions=answer.extensions)

    def close(self) -> None:
        self._direct.close()
        for pool in self._proxied.values():
            pool.close()
