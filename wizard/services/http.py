"""The network rules every outgoing request follows (SPEC §6), in one place.

One deadline for each whole request (redirects included), at most 5 redirects, bodies capped
at 1 MiB, TLS verified, keys sent only where they belong (:mod:`wizard.services.keys`), and every
failure turned into one readable sentence. The issuer fetch, Clerk's Backend API and the
Convex probe all go through :func:`request_capped`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from wizard import __version__
from wizard.services.keys import Credential, KeyWithheld
from wizard.services.tls import verified_context

if TYPE_CHECKING:  # httpx is imported on first use, so the wizard's first frame never waits
    import httpx

DEFAULT_TIMEOUT = 10.0
MAX_REDIRECTS = 5
MAX_BODY_BYTES = 1024 * 1024
USER_AGENT = f"convex-auth-wizard/{__version__}"


class BodyTooLarge(Exception):
    """The answer went past :data:`MAX_BODY_BYTES`; reading stopped there."""


def network_errors() -> tuple[type[Exception], ...]:
    """What a request can raise; ``except network_errors()`` is evaluated only on an error."""
    import httpx

    return (httpx.HTTPError, httpx.InvalidURL, BodyTooLarge, ValueError)


def new_client(timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """A client whose every request is bounded by :func:`request_capped`'s deadline. It
    follows no redirect itself: :func:`request_capped` does, hop by hop."""
    import httpx

    from wizard.services.deadline import DeadlineTransport

    return httpx.Client(
        timeout=timeout, follow_redirects=False, transport=DeadlineTransport(verified_context()),
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
    import email.utils  # on first use: slow to import, and not needed to draw the first frame

    try:
        server = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return server - received_at


def request_capped(client: httpx.Client, method: str, url: str, *, json_body: Any = None,
                   credential: Credential | None = None,
                   follow_redirects: bool = True) -> tuple[int, httpx.Headers, bytes]:
    """Any request, with one deadline for all of it and the body capped at
    :data:`MAX_BODY_BYTES` (raises BodyTooLarge).

    The deadline is the client's timeout and covers connecting, TLS, the headers, the body and
    every redirect hop, however slowly a server trickles (:mod:`wizard.services.deadline`). This is the
    only place a key is put in a request: ``credential`` goes in the ``Authorization`` header
    of a hop only when it may go to that hop's host; otherwise :class:`KeyWithheld` is raised
    before anything is sent there. ``follow_redirects=False`` keeps a request on the exact URL
    given (a 3xx answer is returned as it is)."""
    import httpx

    from wizard.services.deadline import deadline_after

    with deadline_after(client.timeout.read or DEFAULT_TIMEOUT):
        request = client.build_request(method, url, json=json_body)
        previous: str | None = None
        for _hop in range(MAX_REDIRECTS + 1):
            if credential is not None:
                if not credential.admits(request.url):
                    raise KeyWithheld(credential, str(request.url), previous)
                request.headers["Authorization"] = credential.header
            response = client.send(request, stream=True)
            try:
                following = response.next_request if follow_redirects else None
                if following is None:
                    return response.status_code, response.headers, _read_capped(response)
            finally:
                response.close()
            previous, request = str(request.url), following
        raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=request)


def _read_capped(response: httpx.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)
