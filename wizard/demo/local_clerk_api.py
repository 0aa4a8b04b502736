"""A real local stand-in for Clerk's Backend API (``/v1/domains``, ``/v1/jwt_templates``).

Plain HTTP on loopback, bodies shaped like Clerk's OpenAPI spec (``bapi``): ``GET
/jwt_templates`` is an array of ``JWTTemplate`` objects (``{"data", "total_count"}`` with
``?paginated=true``), ``GET /domains`` is ``{"data": [Domain], "total_count": n}``, errors are
``{"errors": [{"message", "long_message", "code"}], "clerk_trace_id"}``. A request whose
bearer is not the configured secret key gets Clerk's 401 ``clerk_key_invalid``. ``scenario``
sets up the instances the tests need; ``fault`` makes every answer a 429, a 500 or slow.
Every request is recorded (method and path only: the key itself is never kept), and every
template posted is kept in ``posted``. Standard library only.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from wizard.demo.local_server import JSON_TYPE, LocalServer, QuietHandler

SCENARIOS = frozenset({
    "correct", "absent", "misnamed_capital", "misnamed_space", "reserved_claims",
    "org_slug_iss", "custom_signing_key", "hs256", "array_audience", "long_lifetime",
    "short_lifetime", "other_instance",
})
FAULTS = frozenset({"rate_limited", "server_error", "slow", "not_json"})
# The stand-in keeps its own copy of what Clerk does (reserved claims, the dashboard's preset)
# on purpose: it plays Clerk, so tests compare the product's copy against an independent one.
RESERVED = ("azp", "exp", "iat", "iss", "jti", "nbf", "sub")
PRESET_CLAIMS: dict[str, Any] = {
    "aud": "convex",
    "name": "{{user.full_name}}",
    "email": "{{user.primary_email_address}}",
    "picture": "{{user.image_url}}",
    "nickname": "{{user.username}}",
    "given_name": "{{user.first_name}}",
    "updated_at": "{{user.updated_at}}",
    "family_name": "{{user.last_name}}",
    "phone_number": "{{user.primary_phone_number}}",
    "email_verified": "{{user.email_verified}}",
    "phone_number_verified": "{{user.phone_number_verified}}",
}


def _json(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def clerk_errors(message: str, long_message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "long_message": long_message, "code": code}],
            "clerk_trace_id": secrets.token_hex(16)}


def jwt_template(name: str = "convex", claims: dict[str, Any] | None = None, *,
                 lifetime: int = 60, allowed_clock_skew: int = 5,
                 custom_signing_key: bool = False,
                 signing_algorithm: str = "RS256") -> dict[str, Any]:
    """A ``JWTTemplate`` object as the Backend API returns it."""
    now = int(time.time() * 1000)
    return {
        "object": "jwt_template", "id": "jtmp_" + secrets.token_hex(12), "name": name,
        "claims": dict(PRESET_CLAIMS) if claims is None else claims, "lifetime": lifetime,
        "allowed_clock_skew": allowed_clock_skew, "custom_signing_key": custom_signing_key,
        "signing_algorithm": signing_algorithm, "created_at": now, "updated_at": now,
    }


def domain(frontend_api_url: str, *, name: str | None = None,
           is_satellite: bool = False) -> dict[str, Any]:
    """A ``Domain`` object as the Backend API returns it."""
    host = frontend_api_url.split("://", 1)[-1].rstrip("/")
    return {
        "object": "domain", "id": "dmn_" + secrets.token_hex(12), "name": name or host,
        "is_satellite": is_satellite, "frontend_api_url": frontend_api_url,
        "accounts_portal_url": None if is_satellite else f"https://accounts.{host}",
        "proxy_url": None, "development_origin": "", "cname_targets": None,
    }


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    authorized: bool


class _Handler(QuietHandler):
    server_version = "LocalClerkBAPI/1.0"

    def _send_json(self, status: int, document: object,
                   headers: dict[str, str] | None = None) -> None:
        self._send(status, _json(document), JSON_TYPE, headers)

    def _begin(self, method: str) -> tuple[LocalClerkAPI, str] | None:
        """Record, authenticate and apply the fault; None when the answer was already sent."""
        api = self.owner(LocalClerkAPI)
        path, _, query = self.path.partition("?")
        auth = self.headers.get("Authorization", "")
        authorized = secrets.compare_digest(auth.encode(), f"Bearer {api.secret_key}".encode())
        api._record(RecordedRequest(method, self.path, authorized))
        if api.fault == "slow":
            api._stopping.wait(api.slow_seconds)
        if not auth:
            self._send_json(401, clerk_errors(
                "Request not authenticated", "Authorization header missing or invalid",
                "authentication_invalid"))
            return None
        if not authorized:
            self._send_json(401, clerk_errors(
                "The provided Clerk Secret Key is invalid. Make sure that your Clerk Secret Key "
                "is correct.", "The provided Clerk Secret Key is invalid. Make sure that your "
                "Clerk Secret Key is correct.", "clerk_key_invalid"))
            return None
        if api.fault == "rate_limited":
            self._send_json(429, clerk_errors(
                "Too many requests", "Too many requests, retry later", "too_many_requests"),
                {"Retry-After": "10"})
            return None
        if api.fault == "server_error":
            self._send_json(500, clerk_errors(
                "Something went wrong", "Please retry later", "internal_clerk_error"))
            return None
        if api.fault == "not_json":
            self._send(200, b"<html><body>Bad gateway</body></html>", "text/html")
            return None
        return api, path + ("?" + query if query else "")

    def do_GET(self) -> None:
        begun = self._begin("GET")
        if begun is None:
            return
        api, target = begun
        path, _, query = target.partition("?")
        if path == "/v1/domains":
            with api._lock:
                data = list(api.domains)
            self._send_json(200, {"data": data, "total_count": len(data)})
        elif path == "/v1/jwt_templates":
            with api._lock:
                data = list(api.templates)
            if "paginated=true" in query:
                self._send_json(200, {"data": data, "total_count": len(data)})
            else:
                self._send_json(200, data)
        else:
            self._not_found()

    def do_POST(self) -> None:
        begun = self._begin("POST")
        if begun is None:
            return
        api, target = begun
        if target.partition("?")[0] != "/v1/jwt_templates":
            self._not_found()
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length))
        except ValueError:
            self._send_json(400, clerk_errors(
                "Malformed request", "The request body is not JSON", "malformed_request"))
            return
        with api._lock:
            api.posted.append(body)
        problem = _invalid_template(body, api.templates)
        if problem is not None:
            self._send_json(422, problem)
            return
        created = jwt_template(
            body["name"], body["claims"], lifetime=body.get("lifetime", 60),
            allowed_clock_skew=body.get("allowed_clock_skew", 5))
        with api._lock:
            api.templates.append(created)
        self._send_json(200, created)

    def _not_found(self) -> None:
        self._send_json(404, clerk_errors(
            "Resource not found", "Resource not found", "resource_not_found"))


def _invalid_template(body: Any, existing: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The checks Clerk applies to a new template (name, claims object, reserved, ranges)."""
    def invalid(name: str, long_message: str) -> dict[str, Any]:
        errors = clerk_errors("is invalid", long_message, "form_param_value_invalid")
        errors["errors"][0]["meta"] = {"param_name": name}
        return errors

    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"]:
        return invalid("name", "name is required")
    if not isinstance(body.get("claims"), dict):
        return invalid("claims", "claims must be a JSON object")
    reserved = sorted(set(body["claims"]) & set(RESERVED))
    if reserved:
        return invalid("claims", f"You can't use the reserved claim: {reserved[0]}")
    lifetime = body.get("lifetime", 60)
    if not isinstance(lifetime, int) or not 30 <= lifetime <= 315_360_000:
        return invalid("lifetime", "lifetime must be between 30 and 315360000")
    skew = body.get("allowed_clock_skew", 5)
    if not isinstance(skew, int) or not 0 <= skew <= 300:
        return invalid("allowed_clock_skew", "allowed_clock_skew must be between 0 and 300")
    if any(t["name"] == body["name"] for t in existing):
        errors = clerk_errors("is taken", "A JWT template with this name already exists",
                              "form_identifier_exists")
        errors["errors"][0]["meta"] = {"param_name": "name"}
        return errors
    return None


class LocalClerkAPI(LocalServer[RecordedRequest]):
    """A loopback Backend API for one instance whose Frontend API is ``frontend_api_url``.

    Its ``url`` is the unversioned root, the value ``CLERK_API_URL`` takes."""

    handler = _Handler
    thread_name = "local-clerk-api"
    faults = FAULTS

    def __init__(self, *, secret_key: str, frontend_api_url: str, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        super().__init__(host=host, port=port)
        self.secret_key = self._initial_key = secret_key
        self.frontend_api_url = frontend_api_url
        self.posted: list[Any] = []
        self.templates: list[dict[str, Any]] = []
        self.domains: list[dict[str, Any]] = []
        self.scenario("correct")

    # -- behaviour -------------------------------------------------------------------------
    def scenario(self, name: str) -> None:
        """Replace the instance's templates and domains with a named setup."""
        if name not in SCENARIOS:
            raise ValueError(f"unknown scenario {name!r}; expected one of {sorted(SCENARIOS)}")
        other = [jwt_template("supabase", {"aud": "authenticated", "role": "authenticated"})]
        templates: dict[str, list[dict[str, Any]]] = {
            "correct": [jwt_template(), *other],
            "absent": other,
            "misnamed_capital": [jwt_template("Convex"), *other],
            "misnamed_space": [jwt_template("convex "), *other],
            "reserved_claims": [jwt_template(claims={
                **PRESET_CLAIMS, "sub": "{{user.id}}", "iat": "{{date.now}}"})],
            "org_slug_iss": [jwt_template(claims={**PRESET_CLAIMS, "iss": "{{org.slug}}"})],
            "custom_signing_key": [jwt_template(custom_signing_key=True,
                                                signing_algorithm="RS256")],
            "hs256": [jwt_template(custom_signing_key=True, signing_algorithm="HS256")],
            "array_audience": [jwt_template(claims={**PRESET_CLAIMS,
                                                    "aud": ["convex", "my-api"]})],
            "long_lifetime": [jwt_template(lifetime=86_400)],
            "short_lifetime": [jwt_template(lifetime=10)],
            "other_instance": [jwt_template()],
        }
        fapi = self.frontend_api_url
        if name == "other_instance":
            fapi = "https://other-app-42.clerk.accounts.dev"
        with self._lock:
            self.templates = templates[name]
            self.domains = [domain(fapi)]

    def reset(self) -> None:
        """Back to the correct instance and key, no fault, nothing recorded."""
        self.fault = None
        self.secret_key = self._initial_key
        self.slow_seconds = 3.0
        self.scenario("correct")
        with self._lock:
            self.requests.clear()
            self.posted.clear()
