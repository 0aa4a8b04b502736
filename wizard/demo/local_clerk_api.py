"""A real local stand-in for Clerk's Backend API: domains, JWT templates, users, sessions and
their tokens.

Plain HTTP on loopback, bodies shaped like Clerk's OpenAPI spec (``bapi``): ``GET
/jwt_templates`` is an array of ``JWTTemplate`` objects (``{"data", "total_count"}`` with
``?paginated=true``), ``GET /domains`` is ``{"data": [Domain], "total_count": n}``, errors are
``{"errors": [{"message", "long_message", "code"}], "clerk_trace_id"}``. A request whose
bearer is not the configured secret key gets Clerk's 401 ``clerk_key_invalid``. ``scenario``
sets up the instances the tests need; ``fault`` makes every answer a 429, a 500 or slow.

Users and sessions (``people`` sets them up): ``GET /users`` (``order_by``, ``limit``,
``offset``; a plain array), ``GET /sessions`` (``user_id``, ``status``; an array, or
``{"data", "total_count"}`` with ``paginated=true``), ``POST /sessions`` (``{"user_id"}``;
a production instance answers 400 ``request_invalid_for_environment``), ``POST
/sessions/{id}/revoke``, and ``POST /sessions/{id}/tokens[/{template}]`` answering
``{"object": "token", "jwt"}`` with a token signed by the :class:`LocalIssuer` given, so it
verifies (an unknown template: 404 ``No JWT template exists with name: …``). With
``integration`` on, the session token carries ``aud: "convex"``. What Clerk answers for a
token of a session that is no longer active, or for a bad ``order_by``/``limit``, is not
documented; the stand-in answers 404 ``Session not found`` and 422
``form_param_value_invalid``.

Every request is recorded (method and path only: the key is never kept, nor a body), every
template posted is kept in ``posted``. Standard library only.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote

from wizard.demo.local_server import JSON_TYPE, LocalServer, QuietHandler

if TYPE_CHECKING:
    from wizard.demo.local_issuer import LocalIssuer

SCENARIOS = frozenset({
    "correct", "absent", "misnamed_capital", "misnamed_space", "reserved_claims",
    "org_slug_iss", "custom_signing_key", "hs256", "array_audience", "long_lifetime",
    "short_lifetime", "other_instance",
})
FAULTS = frozenset({"rate_limited", "server_error", "slow", "not_json"})
PEOPLE = frozenset({"signed_in", "no_active_session", "no_users"})
SESSION_STATUSES = frozenset({"abandoned", "active", "ended", "expired", "removed", "replaced",
                              "revoked", "pending"})
USER_ORDER_FIELDS = frozenset({"created_at", "updated_at", "email_address", "web3wallet",
                               "first_name", "last_name", "phone_number", "username",
                               "last_active_at", "last_sign_in_at"})
MAX_LIMIT = 500
MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME = 30, 315_360_000
INTEGRATION_AUD = "convex"
_DAY_MS = 86_400_000
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


def invalid_param(name: str, long_message: str, code: str = "form_param_value_invalid",
                  message: str = "is invalid") -> dict[str, Any]:
    errors = clerk_errors(message, long_message, code)
    errors["errors"][0]["meta"] = {"param_name": name}
    return errors


def user_object(user_id: str, *, first_name: str, last_name: str, email: str,
                last_sign_in_at: int | None, username: str | None = None) -> dict[str, Any]:
    """A ``User`` object as the Backend API returns it (every key the spec requires)."""
    now = int(time.time() * 1000)
    email_id = "idn_" + secrets.token_hex(12)
    return {
        "id": user_id, "object": "user", "external_id": None, "username": username,
        "first_name": first_name, "last_name": last_name, "image_url": "", "has_image": False,
        "primary_email_address_id": email_id, "primary_phone_number_id": None,
        "primary_web3_wallet_id": None, "password_enabled": True,
        "two_factor_enabled": False, "totp_enabled": False, "backup_code_enabled": False,
        "email_addresses": [{"id": email_id, "object": "email_address",
                             "email_address": email, "reserved": False,
                             "verification": {"status": "verified", "strategy": "email_code"},
                             "linked_to": [], "created_at": now, "updated_at": now}],
        "phone_numbers": [], "web3_wallets": [], "passkeys": [], "external_accounts": [],
        "saml_accounts": [], "enterprise_accounts": [], "public_metadata": {},
        "private_metadata": {}, "unsafe_metadata": {}, "last_sign_in_at": last_sign_in_at,
        "banned": False, "locked": False, "lockout_expires_in_seconds": None,
        "verification_attempts_remaining": 100, "created_at": now - 30 * _DAY_MS,
        "updated_at": now, "delete_self_enabled": True, "create_organization_enabled": True,
        "last_active_at": last_sign_in_at, "mfa_enabled_at": None, "mfa_disabled_at": None,
        "legal_accepted_at": None,
    }


def session_object(user_id: str, *, status: str = "active",
                   session_id: str | None = None) -> dict[str, Any]:
    """A ``Session`` object as the Backend API returns it."""
    now = int(time.time() * 1000)
    return {
        "object": "session", "id": session_id or "sess_" + secrets.token_hex(12),
        "user_id": user_id, "client_id": "client_" + secrets.token_hex(12), "status": status,
        "last_active_at": now, "expire_at": now + 7 * _DAY_MS,
        "abandon_at": now + 30 * _DAY_MS, "updated_at": now, "created_at": now,
        "actor": None, "last_active_organization_id": None, "latest_activity": None,
    }


def _session_not_found(session_id: str) -> tuple[int, dict[str, Any]]:
    return 404, clerk_errors("Session not found", f"No session was found with id {session_id}",
                             "resource_not_found")


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


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
        elif path == "/v1/users":
            self._send_json(*api.list_users(parse_qs(query)))
        elif path == "/v1/sessions":
            self._send_json(*api.list_sessions(parse_qs(query)))
        else:
            self._not_found()

    def do_POST(self) -> None:
        begun = self._begin("POST")
        if begun is None:
            return
        api, target = begun
        path = target.partition("?")[0]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body: Any = json.loads(raw) if raw or path == "/v1/jwt_templates" else None
        except ValueError:
            self._send_json(400, clerk_errors(
                "Malformed request", "The request body is not JSON", "malformed_request"))
            return
        if path.startswith("/v1/sessions"):
            answer = api.post_session_route(path, body)
            if answer is None:
                self._not_found()
            else:
                self._send_json(*answer)
            return
        if path != "/v1/jwt_templates":
            self._not_found()
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
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"]:
        return invalid_param("name", "name is required")
    if not isinstance(body.get("claims"), dict):
        return invalid_param("claims", "claims must be a JSON object")
    reserved = sorted(set(body["claims"]) & set(RESERVED))
    if reserved:
        return invalid_param("claims", f"You can't use the reserved claim: {reserved[0]}")
    lifetime = body.get("lifetime", 60)
    if not isinstance(lifetime, int) or not 30 <= lifetime <= 315_360_000:
        return invalid_param("lifetime", "lifetime must be between 30 and 315360000")
    skew = body.get("allowed_clock_skew", 5)
    if not isinstance(skew, int) or not 0 <= skew <= 300:
        return invalid_param("allowed_clock_skew", "allowed_clock_skew must be between 0 and 300")
    if any(t["name"] == body["name"] for t in existing):
        return invalid_param("name", "A JWT template with this name already exists",
                             "form_identifier_exists", "is taken")
    return None


class LocalClerkAPI(LocalServer[RecordedRequest]):
    """A loopback Backend API for one instance whose Frontend API is ``frontend_api_url``.

    Its ``url`` is the unversioned root, the value ``CLERK_API_URL`` takes."""

    handler = _Handler
    thread_name = "local-clerk-api"
    faults = FAULTS

    def __init__(self, *, secret_key: str, frontend_api_url: str, host: str = "127.0.0.1",
                 port: int = 0, issuer: LocalIssuer | None = None) -> None:
        super().__init__(host=host, port=port)
        self.secret_key = self._initial_key = secret_key
        self.frontend_api_url = frontend_api_url
        self.issuer = issuer
        """Signs the tokens minted (without one, minting answers 500)."""
        self.posted: list[Any] = []
        self.templates: list[dict[str, Any]] = []
        self.domains: list[dict[str, Any]] = []
        self.users: list[dict[str, Any]] = []
        self.sessions: list[dict[str, Any]] = []
        self.instance_type = "development"
        """"production": ``POST /sessions`` answers Clerk's 400."""
        self.integration = False
        """Clerk's Convex integration: session tokens carry ``aud: "convex"``."""
        self.scenario("correct")
        self.people("signed_in")

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

    def people(self, name: str) -> None:
        """Replace the users and sessions: ``signed_in`` (Ada signed in most recently with an
        active session; Grace earlier, her session ended), ``no_active_session`` (both ended),
        ``no_users``."""
        if name not in PEOPLE:
            raise ValueError(f"unknown people {name!r}; expected one of {sorted(PEOPLE)}")
        now = int(time.time() * 1000)
        users = [] if name == "no_users" else [
            user_object("user_2demoUser", first_name="Ada", last_name="Lovelace",
                        email="ada@example.com", last_sign_in_at=now - 60_000),
            user_object("user_2otherUser", first_name="Grace", last_name="Hopper",
                        email="grace@example.com", last_sign_in_at=now - 3 * _DAY_MS),
        ]
        ada_status = "active" if name == "signed_in" else "ended"
        sessions = [] if name == "no_users" else [
            session_object("user_2demoUser", status=ada_status, session_id="sess_2demo"),
            session_object("user_2otherUser", status="ended"),
        ]
        with self._lock:
            self.users, self.sessions = users, sessions

    def reset(self) -> None:
        """Back to the correct instance and key, no fault, nothing recorded."""
        self.fault = None
        self.secret_key = self._initial_key
        self.slow_seconds = 3.0
        self.instance_type = "development"
        self.integration = False
        self.scenario("correct")
        self.people("signed_in")
        with self._lock:
            self.requests.clear()
            self.posted.clear()

    # -- users, sessions, tokens: (status, document) ---------------------------------------
    def list_users(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        limit_text, offset_text = _one(query, "limit") or "10", _one(query, "offset") or "0"
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
            return 422, invalid_param("limit", f"limit must be between 1 and {MAX_LIMIT}")
        if not offset_text.isdigit():
            return 422, invalid_param("offset", "offset must be 0 or more")
        order = _one(query, "order_by") or "-created_at"
        field = order.lstrip("+-")
        if field not in USER_ORDER_FIELDS:
            return 422, invalid_param("order_by", f"order_by {field} is not supported")
        with self._lock:
            users = list(self.users)
        present = [u for u in users if u.get(field) is not None]
        present.sort(key=lambda u: u[field], reverse=order.startswith("-"))
        ordered = present + [u for u in users if u.get(field) is None]
        start = int(offset_text)
        return 200, ordered[start:start + int(limit_text)]

    def list_sessions(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        status = _one(query, "status")
        if status is not None and status not in SESSION_STATUSES:
            return 422, invalid_param("status", f"status must be one of "
                                      f"{', '.join(sorted(SESSION_STATUSES))}")
        user_id, client_id = _one(query, "user_id"), _one(query, "client_id")
        with self._lock:
            found = [s for s in self.sessions
                     if (user_id is None or s["user_id"] == user_id)
                     and (client_id is None or s["client_id"] == client_id)
                     and (status is None or s["status"] == status)]
        found.sort(key=lambda s: s["created_at"], reverse=True)
        if _one(query, "paginated") == "true":
            return 200, {"data": found, "total_count": len(found)}
        return 200, found

    def post_session_route(self, path: str, body: Any) -> tuple[int, Any] | None:
        """``POST /v1/sessions[/{id}/revoke | /{id}/tokens[/{template}]]``; None: no route."""
        parts = path.split("/")[3:]  # after "", "v1", "sessions"
        if not parts:
            return self._create_session(body)
        session_id = unquote(parts[0])
        if parts[1:] == ["revoke"]:
            return self._revoke(session_id)
        if parts[1:2] == ["tokens"] and len(parts) <= 3:
            return self._mint(session_id, unquote(parts[2]) if len(parts) == 3 else None, body)
        return None

    def _create_session(self, body: Any) -> tuple[int, Any]:
        if self.instance_type == "production":
            return 400, clerk_errors("Invalid request for environment",
                                     "Request only valid for development instances.",
                                     "request_invalid_for_environment")
        user_id = body.get("user_id") if isinstance(body, dict) else None
        if not isinstance(user_id, str) or not user_id:
            return 422, invalid_param("user_id", "user_id must be included.",
                                      "form_param_missing", "is missing")
        with self._lock:
            if not any(u["id"] == user_id for u in self.users):
                return 404, clerk_errors("User not found", f"No user was found with id "
                                         f"{user_id}", "resource_not_found")
            created = session_object(user_id)
            self.sessions.append(created)
        return 200, created

    def _revoke(self, session_id: str) -> tuple[int, Any]:
        with self._lock:
            session = next((s for s in self.sessions if s["id"] == session_id), None)
            if session is None:
                return _session_not_found(session_id)
            session.update(status="revoked", updated_at=int(time.time() * 1000))
            return 200, dict(session)

    def _mint(self, session_id: str, template_name: str | None, body: Any) -> tuple[int, Any]:
        with self._lock:
            session = next((s for s in self.sessions
                            if s["id"] == session_id and s["status"] == "active"), None)
            template = next((t for t in self.templates if t["name"] == template_name), None)
        if session is None:
            return _session_not_found(session_id)
        if template_name is not None and template is None:
            return 404, clerk_errors("JWT template not found", "No JWT template exists with "
                                     f"name: {template_name}", "resource_not_found")
        lifetime = body.get("expires_in_seconds") if isinstance(body, dict) else None
        if lifetime is not None and (not isinstance(lifetime, int) or isinstance(lifetime, bool)
                                     or not MIN_TOKEN_LIFETIME <= lifetime
                                     <= MAX_TOKEN_LIFETIME):
            return 422, invalid_param("expires_in_seconds", "expires_in_seconds must be "
                                      f"between {MIN_TOKEN_LIFETIME} and {MAX_TOKEN_LIFETIME}")
        if self.issuer is None:
            return 500, clerk_errors("Something went wrong", "The stand-in has no issuer to "
                                     "sign tokens with", "internal_clerk_error")
        now, user_id = int(time.time()), session["user_id"]
        if template is None:  # Minted by the Backend API: no Origin, so no azp.
            claims = self.issuer.session_claims(
                now, aud=INTEGRATION_AUD if self.integration else None, drop=("azp",),
                sid=session_id, sub=user_id)
            if lifetime is not None:
                claims["exp"] = now + lifetime
        else:
            shape = template["claims"] if isinstance(template["claims"], dict) else {}
            claims = self.issuer.template_claims(
                now, lifetime=lifetime or template["lifetime"], aud=shape.get("aud"),
                drop=("azp",) if "aud" in shape else ("azp", "aud"), sub=user_id)
        return 200, {"object": "token", "jwt": self.issuer.mint(claims)}
