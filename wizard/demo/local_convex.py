"""A real local stand-in for a Convex deployment's HTTP API (research/convex_http_probe.md §7).

It listens on 127.0.0.1 and answers ``/api/query``, ``/api/mutation``, ``/api/action`` and
``/api/run/…`` in Convex's order: client version, ``Authorization`` syntax, JSON body, function
path, authentication, execution, ``format``. Tokens are judged by the stand-in's own judge
(:mod:`wizard.demo.local_judge`, written apart from the wizard's rules and never importing them) after
a real discovery and JWKS fetch from the token's issuer (a :class:`wizard.demo.local_issuer.LocalIssuer`
in tests), so a test where "Convex agrees" compares two implementations. Used by the tests and
by ``demo``. Only the method, the path and the ``Authorization`` scheme of each request are
recorded (and each token's outcome in ``judgements``), never a token or a key.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from wizard.demo.local_judge import judge
from wizard.demo.local_server import LocalServer, QuietHandler

FAULTS = frozenset({"500", "html", "slow"})
FORMATS = frozenset({"json", "convex_clean_json", "convex_encoded_json", "convex_json",
                     "export_json"})
RUNNING_TEXT = "This Convex deployment is running. See https://docs.convex.dev/."
LIST_PROVIDERS = "_system/frontend/listAuthProviders"
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMPONENT_RE = re.compile(r"^[A-Za-z0-9_.]+$")
_CLIENT_RE = re.compile(r"^[A-Za-z0-9_-]+-\d+\.\d+\.\d+")


class ApiError(Exception):
    """An HTTP-level error: ``(status, {"code", "message"})``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def oidc(domain: str, application_id: str = "convex") -> dict[str, Any]:
    """A provider row as the ``_auth`` table stores it (OIDC rows have no ``type``)."""
    return {"domain": domain, "applicationID": application_id}


def custom_jwt(issuer: str, jwks: str, application_id: str | None = None,
               algorithm: str = "RS256") -> dict[str, Any]:
    return {"type": "customJwt", "issuer": issuer, "jwks": jwks,
            "applicationID": application_id, "algorithm": json.dumps(algorithm)}


def parse_function_path(path: str) -> tuple[str, str]:
    """``module/path:function`` → (module without .js, function); ApiError 400 otherwise."""
    def bad(reason: str) -> ApiError:
        return ApiError(400, "BadConvexFunctionIdentifier",
                        f"{path} is not a valid path to a Convex function. {reason}")

    module, _, function = path.partition(":")
    function = function if ":" in path else "default"
    if module.endswith(".js"):
        module = module[:-3]
    components = module.split("/")
    if not module or any(not c for c in components):
        raise bad("Module path is empty or has an empty component.")
    for component in components:
        if len(component) > 64 or not _COMPONENT_RE.match(component) or \
                not any(c.isalnum() for c in component):
            raise bad(f"Path component {component} can only contain alphanumeric characters, "
                      "underscores, or periods, and must have an alphanumeric character.")
    if "." in components[-1]:
        raise bad(f"Path {module} has an extension that isn't .js.")
    for char in function:
        if not (char.isascii() and (char.isalnum() or char == "_")):
            raise bad(f"Identifier {function} has invalid character {char!r}: Identifiers can "
                      "only contain alphanumeric characters or underscores")
    if not _IDENT_RE.match(function) or set(function) == {"_"} or len(function) > 64:
        raise bad(f"Identifier {function!r} is not a valid identifier.")
    return module, function


def canonical(module: str, function: str) -> str:
    return module if function == "default" else f"{module}:{function}"


@dataclass(frozen=True)
class Judgement:
    """How one token was judged: the provider row it went to, and the answer."""

    position: int | None
    status: int
    code: str


@dataclass(frozen=True)
class Identity:
    kind: str  # none | admin | user


def _strip_key_type(key: str) -> str:
    for prefix in ("prod:", "dev:"):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


class _Handler(QuietHandler):
    server_version = "LocalConvex/1.0"

    @property
    def deployment(self) -> LocalConvex:
        return self.owner(LocalConvex)

    def _json(self, status: int, document: dict[str, Any]) -> None:
        self._send(status, json.dumps(document).encode())

    def do_GET(self) -> None:
        convex = self.deployment
        convex._record(("GET", self.path, None))
        path = self.path.split("?", 1)[0]
        if path == "/":
            self._send(200, RUNNING_TEXT.encode(), "text/plain; charset=utf-8")
        elif path == "/instance_name":
            self._send(200, convex.name.encode(), "text/plain; charset=utf-8")
        else:
            self._send(404, b"", None)

    def do_POST(self) -> None:
        convex = self.deployment
        path = self.path.split("?", 1)[0]
        auth = self.headers.get("Authorization")
        convex._record(("POST", path, auth.split(" ", 1)[0] if auth is not None else None))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        kind = {"/api/query": "query", "/api/mutation": "mutation",
                "/api/action": "action"}.get(path)
        if kind is None and not path.startswith("/api/run/"):
            self._send(404, b"", None)
            return
        fault = convex.fault
        if fault == "slow":
            convex._stopping.wait(convex.slow_seconds)
        if fault == "500":
            self._json(500, {"code": "InternalServerError",
                             "message": "Your request couldn't be completed. Try again later."})
            return
        if fault == "html":
            self._send(200, b"<!DOCTYPE html><html><body><h1>Deployment not found</h1>"
                       b"</body></html>", "text/html; charset=utf-8")
            return
        try:
            status, document = convex.handle(kind, path, dict(self.headers.items()), raw)
        except ApiError as exc:
            status, document = exc.status, {"code": exc.code, "message": exc.message}
        self._json(status, document)


class LocalConvex(LocalServer[tuple[str, str, str | None]]):
    """A loopback Convex deployment: providers, admin keys, redaction and faults are settable.

    ``requests`` records (method, path, Authorization scheme or None) of every request."""

    handler = _Handler
    thread_name = "local-convex"
    faults = FAULTS

    def __init__(self, *, providers: list[dict[str, Any]] | None = None,
                 admin_keys: tuple[str, ...] = (), redact: bool = False,
                 name: str = "local-stand-in-1", host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host=host, port=port)
        self.providers: list[dict[str, Any]] = list(providers or [])
        self.admin_keys = admin_keys
        self.redact = redact
        self.name = name
        self.functions: dict[str, str] = {}  # canonical path → "query" | "mutation" | "action"
        self.function_404 = False  # backends built with UDF_404_ON_BAD_PATH
        self.clock: Callable[[], float] = time.time
        self.judgements: list[Judgement] = []

    # -- the request pipeline (§7) ---------------------------------------------------------
    def handle(self, kind: str | None, path: str, headers: dict[str, str],
               raw: bytes) -> tuple[int, dict[str, Any]]:
        lower = {name.lower(): value for name, value in headers.items()}
        client = lower.get("convex-client")
        if client is not None and not _CLIENT_RE.match(client):
            raise ApiError(400, "InvalidClientVersion", "Failed to parse client version "
                           f"string: '{client}'. Expected format is {{client_name}}-{{semver}}, "
                           "e.g. my-esolang-client-0.0.1")
        header = self._parse_authorization(lower.get("authorization"))
        body = self._parse_body(lower.get("content-type", ""), raw, kind is not None)
        rid = lower.get("convex-request-id") or secrets.token_hex(8)
        if kind is None:  # /api/run/…: authentication first, then the path
            identity = self._authenticate(header)
            parts = [unquote(p) for p in path[len("/api/run/"):].split("/") if p]
            if len(parts) < 2:
                raise ApiError(400, "MissingIdentifier", "Path or function name not provided "
                               "in path, e.g. /api/run/messages/list")
            module, function = parse_function_path("/".join(parts[:-1]) + ":" + parts[-1])
            name = canonical(module, function)
            if name in self.functions:
                result: dict[str, Any] = {"status": "success", "value": None}
            else:
                result = self._error(rid, f"Could not find function for '{module}:{function}'. "
                                     "Did you forget to run `npx convex dev`?")
        else:
            module, function = parse_function_path(body["path"])
            identity = self._authenticate(header)
            status, result = self._execute(kind, module, function, identity, rid)
            if status != 200:
                return status, result
        fmt = body.get("format")
        if fmt is not None and fmt not in FORMATS:
            raise ApiError(400, "BadFormat", f"format param must be one of [`json`]. Got {fmt}")
        return 200, result

    def _parse_authorization(self, value: str | None) -> tuple[str, str] | None:
        if value is None:
            return None
        if not all(32 <= ord(c) <= 126 for c in value):
            raise ApiError(400, "HeaderParseFailure", "Failed to parse header as visible ASCII")
        if len(value) < 7:
            raise ApiError(400, "InvalidHeaderFailure", "Invalid authentication header")
        if value[:7].lower() == "convex ":
            return "admin", value[7:].strip()
        if len(value) <= 7 or value[:7].lower() != "bearer ":
            raise ApiError(400, "InvalidAdminKey", "Invalid admin key")
        return "user", value[7:].strip()

    @staticmethod
    def _parse_body(content_type: str, raw: bytes, needs_path: bool) -> dict[str, Any]:
        essence = content_type.split(";", 1)[0].strip().lower()
        if essence != "application/json" and not (essence.startswith("application/")
                                                   and essence.endswith("+json")):
            raise ApiError(400, "BadJsonBody",
                           "Expected request with `Content-Type: application/json`")
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "BadJsonBody", f"Failed to parse the request body as JSON: "
                           f"{exc}") from None
        missing = [f for f in (("path", "args") if needs_path else ("args",))
                   if not isinstance(body, dict) or f not in body]
        if missing:
            raise ApiError(400, "BadJsonBody", "Failed to deserialize the JSON body into the "
                           f"target type: missing field `{missing[0]}`")
        if needs_path and not isinstance(body["path"], str):
            raise ApiError(400, "BadJsonBody", "Failed to deserialize the JSON body into the "
                           "target type: path: invalid type, expected a string")
        return dict(body)

    def _error(self, rid: str, message: str) -> dict[str, Any]:
        text = f"[Request ID: {rid}] Server Error" + ("" if self.redact else f"\n{message}\n")
        return {"status": "error", "errorMessage": text}

    def _authenticate(self, header: tuple[str, str] | None) -> Identity:
        if header is None:
            return Identity("none")
        kind, value = header
        if kind == "admin":
            accepted = {_strip_key_type(k) for k in self.admin_keys}
            if _strip_key_type(value) not in accepted:
                raise ApiError(401, "BadAdminKey",
                               "The provided admin key was invalid for this instance")
            return Identity("admin")
        self.judge_token(value)
        return Identity("user")

    def _execute(self, kind: str, module: str, function: str, identity: Identity,
                 rid: str) -> tuple[int, dict[str, Any]]:
        name = canonical(module, function)
        if module.startswith("_system/") or module == "_system":
            if identity.kind != "admin":
                return 200, self._error(rid, f"Operation {kind} not permitted")
            if name == LIST_PROVIDERS and kind == "query":
                return 200, {"status": "success", "value": self.auth_rows()}
            return 200, self._error(rid, f"Could not find public function for '{name}'.")
        defined = self.functions.get(name)
        if defined is None:
            message = f"Could not find public function for '{name}'."
            if self.function_404:
                return 404, {"code": "FunctionPathNotFound", "message": message}
            return 200, self._error(rid, message)
        if defined != kind:
            return 200, self._error(rid, f"Trying to execute {module}.js:{function} as "
                                    f"{kind.title()}, but it is defined as {defined.title()}.")
        return 200, {"status": "success", "value": None}

    def auth_rows(self) -> list[dict[str, Any]]:
        """The ``_auth`` documents ``listAuthProviders`` returns."""
        return [{"_creationTime": 1_712_345_678_901.0 + i, "_id": f"auth{i:04d}local", **row}
                for i, row in enumerate(self.providers)]

    # -- authentication (convex_spec.md §2) ------------------------------------------------
    def judge_token(self, token: str) -> None:
        """Raise the ApiError Convex would for ``token`` (the stand-in's own judge, never the
        wizard's rules); None = accepted. Records the outcome, never the token."""
        verdict = judge(token, self.providers, now=self.clock(),
                        no_provider=self._no_provider_message)
        self.judgements.append(Judgement(verdict.position, verdict.status, verdict.code))
        if verdict.status != 200:
            raise ApiError(verdict.status, verdict.code, verdict.message)

    def _no_provider_message(self) -> str:
        base = "No auth provider found matching the given token"
        if self.redact:
            return base
        if not self.providers:
            return base + " (no providers configured). Check convex/auth.config.ts."
        shown = []
        for row in self.providers:
            app = row.get("applicationID") or "none"
            if row.get("type") == "customJwt":
                shown.append(f"CustomJWT(issuer={row.get('issuer')}, app_id={app})")
            else:
                shown.append(f"OIDC(domain={row.get('domain')}, app_id={app})")
        return (base + ". Check that your JWT's issuer and audience match one of your "
                "configured providers: [" + ", ".join(shown) + "]")


