"""An offline machine is told apart from a wrong issuer value: a name that does not resolve
is checked against one other name, and a route that does not exist is said as such."""

from __future__ import annotations

import errno
import io
import socket
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MakeProject
from wizard import cli
from wizard.services import reachability
from wizard.services.issuer_keys import FetchProblemKind, fetch_issuer_keys

ISSUER = "https://wizard-test-issuer.invalid"  # .invalid never resolves (RFC 6761)


@pytest.fixture(autouse=True)
def _resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """The resolver answers as a real one does for .invalid names (no such name), without a
    query leaving the machine; the issuer is fetched directly, not through the test proxy."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,.invalid")


def test_no_name_resolving_at_all_is_said_to_be_this_machine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reachability, "REFERENCE_HOST", "wizard-reference.invalid")
    keys = fetch_issuer_keys(ISSUER, timeout=5)
    problem = keys.discovery_problem
    assert problem is not None and problem.kind is FetchProblemKind.OFFLINE
    assert "does not resolve either" in problem.message and "offline" in problem.message


def test_only_the_issuer_not_resolving_is_the_issuer_value(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reachability, "REFERENCE_HOST", "localhost")
    keys = fetch_issuer_keys(ISSUER, timeout=5)
    problem = keys.discovery_problem
    assert problem is not None and problem.kind is FetchProblemKind.NETWORK


def test_a_refused_connection_is_not_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reachability, "REFERENCE_HOST", "wizard-reference.invalid")
    keys = fetch_issuer_keys("http://127.0.0.1:9", timeout=5)  # discard port: nothing listens
    problem = keys.discovery_problem
    assert problem is not None and problem.kind is FetchProblemKind.NETWORK


@pytest.mark.parametrize(("error", "down"), [
    (OSError(errno.ENETUNREACH, "Network is unreachable"), True),
    (OSError(errno.EHOSTUNREACH, "No route to host"), True),
    (OSError(errno.ECONNREFUSED, "Connection refused"), False),
    (ValueError("not a network error"), False),
])
def test_no_route_is_offline_under_any_wrapping(error: Exception, down: bool) -> None:
    wrapped = RuntimeError("the library's own error")
    wrapped.__cause__ = error
    url = "https://localhost/.well-known/openid-configuration"
    assert (reachability.offline(url, wrapped) == "there is no route to any network") is down
    assert (reachability.offline(url, error) is not None) is down


def test_through_a_proxy_the_names_are_the_proxys_business(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reachability, "REFERENCE_HOST", "wizard-reference.invalid")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # the test proxy takes .invalid too
    assert reachability.offline(ISSUER, OSError("proxy refused")) is None


def test_check_offers_offline_verification_when_the_machine_is_offline(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reachability, "REFERENCE_HOST", "wizard-reference.invalid")
    root: Path = make_project(ISSUER)
    out = io.StringIO()
    with redirect_stdout(out):
        cli.main(["check", "--project", str(root)])
    text = " ".join(out.getvalue().split())
    assert "cannot reach the network" in text and "--offline --jwks" in text
    assert "Check the issuer value" not in text
