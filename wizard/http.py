"""The network rules every outgoing request follows (SPEC §6), in one place.

A timeout on every request, at most 5 redirects, bodies capped at 1 MiB, TLS verified, and
every failure turned into one readable sentence. The issuer fetch, Clerk's Backend API and
the Convex probe all go through :func:`request_capped`.
"""

from __future__ import annotations

import email.utils
import time
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from wizard import __version__
from wizard.tls import verified_context

if TYPE_CHECKING:  # httpx is imported on first use, so the wizard's first frame never waits
    import httpx

DEFAULT_TIMEOUT = 10.0
MAX_REDIRECTS = 5
MAX_BODY_BYTES = 1024 * 1024
USER_AGENT = f"convex-auth-wizard/{__version__}"


def is_loopback(host: str | None) -> bool:
    """This machine: where plain http is acceptable (a local issuer, a local deployment)."""
    return host is not None and (host in ("localhost", "::1") or host.startswith("127."))


class BodyTooLarge(Exception):
    """The answer went past :data:`MAX_BODY_BYTES`; reading stopped there."""


def network_errors() -> tuple[type[Exception], ...]:
    """What a request can raise; ``except network_errors()`` is evaluated only on an error."""
    import httpx

    return (httpx.HTTPError, httpx.InvalidURL, BodyTooLarge, ValueError)


def new_client(timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    import httpx

    return httpx.Client(
        timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS,
        verify=verified_context(),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )


def network_message(exc: Exception, timeout: float) -> str:
    """One sentence for a failed request. Never includes request headers (they may carry a
    secret): httpx's messages name the URL and the reason only."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    if isinstance(exc, BodyTooLarge):
        return f"the answer is larger than {MAX_BODY_BYTES // 1024} KiB"
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL, ValueError)):
        return f"not a fetchable URL ({exc})"
    text = str(exc) or type(exc).__name__
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return f"TLS certificate could not be verified ({text})"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect ({text})"
    return f"{type(exc).__name__}: {text}"


def status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def content_essence(content_type: str) -> str:
    """``application/json; charset=utf-8`` → ``application/json``."""
    return content_type.split(";", 1)[0].strip().lower()


def clock_skew(headers: httpx.Headers, received_at: float) -> float | None:
    """How far the server's ``Date`` header is ahead of this machine's clock, in seconds."""
    value = headers.get("date")
    if not value:
        return None
    try:
        server = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return server - received_at


def request_capped(client: httpx.Client, method: str, url: str, *, json_body: Any = None,
                   headers: dict[str, str] | None = None,
                   follow_redirects: bool | None = None) -> tuple[int, httpx.Headers, bytes]:
    """Any request with the body capped at :data:`MAX_BODY_BYTES` (raises BodyTooLarge).

    ``follow_redirects=False`` keeps a request on the exact URL given (the Convex probe's
    token goes to the deployment and nowhere else)."""
    import httpx

    kwargs: dict[str, Any] = {} if json_body is None else {"json": json_body}
    if follow_redirects is not None:
        kwargs["follow_redirects"] = follow_redirects
    # httpx's timeout bounds each read, not the whole answer: a server trickling a byte at a
    # time could hold a run for ever, so the body also has an overall deadline.
    limit = client.timeout.read or DEFAULT_TIMEOUT
    deadline = time.monotonic() + 2 * limit
    with client.stream(method, url, headers=headers, **kwargs) as response:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise BodyTooLarge()
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the answer took too long to arrive")
            chunks.append(chunk)
        return response.status_code, response.headers, b"".join(chunks)
