"""A real local stand-in for a Clerk Frontend API (the token issuer).

It serves ``/.well-known/openid-configuration`` and ``/.well-known/jwks.json`` over plain
HTTP on loopback, mints Clerk-shaped tokens with its own keys, and can be told to misbehave
(``fault``) so the wizard's discovery and JWKS checks can be exercised end to end.  Used by
the test-suite and by the ``demo`` command.  Standard library + cryptography only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from wizard.demo.local_server import JSON_TYPE, LocalServer, QuietHandler

RSA_KID = "ins_local_rsa1"
RSA2_KID = "ins_local_rsa2"
ED25519_KID = "ins_local_ed1"
EC_KID = "ins_local_ec1"
SMALL_RSA_KID = "ins_local_rsa1024"
CUSTOM_JWKS_PATH = "/custom/jwks.json"
"""A customJwt-style key set: no discovery, served with ``custom_content_type``."""
DEMO_AZP = "http://localhost:5173"
DEMO_SUB = "user_2demoUser"
DEMO_SID = "sess_2demo"
DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/.well-known/jwks.json"
MOVED_PATH = "/moved/openid-configuration"
FAULTS = frozenset({
    "discovery_404", "discovery_500", "discovery_html", "discovery_wrong_type",
    "discovery_no_jwks_uri", "discovery_not_json", "slow", "big", "redirect",
    "redirect_loop", "redirect_chain", "jwks_404", "jwks_500", "jwks_empty", "jwks_unusable",
})
HOP_PATH = "/hop/"
BIG_CHUNK = 64 * 1024
BIG_CHUNKS = 32  # 32 x 64 KiB = 2 MiB of padding
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512,
}
_HMAC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
# Keys PyJWT cannot load: bogus EC coordinates, an RSA key without "n", an unsupported curve.
_UNUSABLE_KEYS: list[dict[str, Any]] = [
    {"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "ins_local_ec_bogus",
     "x": "AAAA", "y": "AAAA"},
    {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "ins_local_rsa_no_n", "e": "AQAB"},
    {"kty": "OKP", "crv": "X25519", "use": "enc", "kid": "ins_local_x25519", "x": "AAAA"},
]


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JWS uses."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _uint(n: int) -> str:
    return b64url(n.to_bytes((n.bit_length() + 7) // 8 or 1, "big"))


def _json(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _errors(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "long_message": message, "code": code}]}


def _finish(claims: dict[str, Any], extra: dict[str, Any], drop: Iterable[str]) -> dict[str, Any]:
    claims.update(extra)
    for name in drop:
        claims.pop(name, None)
    return claims


class _Handler(QuietHandler):
    server_version = "LocalClerkFAPI/1.0"

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header, shifted by ``clock_offset`` to play an issuer whose clock is off."""
        return super().date_time_string(time.time() + self.owner(LocalIssuer).clock_offset)

    def do_GET(self) -> None:
        iss = self.owner(LocalIssuer)
        iss._record(self.path)
        path, fault = self.path.split("?", 1)[0], iss.fault
        if path == DISCOVERY_PATH:
            self._discovery(iss, fault)
        elif path == MOVED_PATH:
            self._send(200, _json(iss.discovery()))
        elif path.startswith(HOP_PATH):
            hop = int(path[len(HOP_PATH):] or 0) + 1
            target = MOVED_PATH if hop >= iss.redirect_hops else f"{HOP_PATH}{hop}"
            self._send(302, b"", headers={"Location": iss.url + target})
        elif path == iss.jwks_path:
            if fault == "jwks_404":
                self._send(404, _json(_errors("Resource not found", "resource_not_found")))
            elif fault == "jwks_500":
                self._send(500, _json(_errors("Internal error", "internal_clerk_error")))
            elif fault == "jwks_empty":
                self._send(200, _json({"keys": []}))
            elif fault == "jwks_unusable":
                self._send(200, _json({"keys": _UNUSABLE_KEYS}))
            else:
                self._send(200, _json(iss.jwks()), iss.jwks_content_type,
                           headers=iss.cache_headers())
        elif path == CUSTOM_JWKS_PATH:
            self._send(200, _json(iss.custom_jwks()), iss.custom_content_type,
                       headers=iss.cache_headers())
        else:
            self._send(404, _json(_errors("Resource not found", "resource_not_found")))

    def _discovery(self, iss: LocalIssuer, fault: str | None) -> None:
        doc = iss.discovery()
        if fault == "slow":
            iss._stopping.wait(iss.slow_seconds)
        if fault == "discovery_404":
            self._send(404, _json(_errors("Resource not found", "resource_not_found")))
        elif fault == "discovery_500":
            self._send(500, _json(_errors("Internal error", "internal_clerk_error")))
        elif fault == "discovery_html":
            page = b"<html><head><title>Sign in</title></head><body>Not an API</body></html>"
            self._send(200, page, "text/html; charset=utf-8")
        elif fault == "discovery_wrong_type":
            self._send(200, _json(doc), "text/plain")
        elif fault == "discovery_no_jwks_uri":
            del doc["jwks_uri"]
            self._send(200, _json(doc))
        elif fault == "discovery_not_json":
            self._send(200, _json(doc)[:40] + b"<!-- truncated")
        elif fault == "redirect_chain":  # redirect_hops redirects in all, then the document
            target = f"{HOP_PATH}1" if iss.redirect_hops > 1 else MOVED_PATH
            self._send(302, b"", headers={"Location": iss.url + target})
        elif fault in ("redirect", "redirect_loop"):
            target = iss.url + (MOVED_PATH if fault == "redirect" else DISCOVERY_PATH)
            self._send(302, b"", headers={"Location": target})
        elif fault == "big":  # streamed without Content-Length; the connection close ends it
            self.send_response(200)
            self.send_header("Content-Type", JSON_TYPE)
            self.end_headers()
            self.wfile.write(_json(doc)[:-1] + b',"padding":"')
            chunk = b"x" * BIG_CHUNK
            for _ in range(BIG_CHUNKS):
                self.wfile.write(chunk)
            self.wfile.write(b'"}')
        else:
            self._send(200, _json(doc), iss.discovery_content_type)


class LocalIssuer(LocalServer[str]):
    """A loopback Clerk-like issuer: discovery, JWKS, token minting and fault injection.

    ``requests`` records the path (with query) of every request."""

    handler = _Handler
    thread_name = "local-issuer"
    faults = FAULTS

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host=host, port=port)
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rsa2 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ed25519 = ed25519.Ed25519PrivateKey.generate()
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.rsa_small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
        self.kids = {"rsa": RSA_KID, "rsa2": RSA2_KID, "ed25519": ED25519_KID, "ec": EC_KID,
                     "rsa_small": SMALL_RSA_KID}
        self.published: list[str] = [RSA_KID, ED25519_KID]
        self.discovery_issuer: str | None = None
        self.jwks_path = JWKS_PATH
        self.redirect_hops = 5
        """How many redirects the ``redirect_chain`` fault makes before the document."""
        self.clock_offset = 0.0
        """Seconds added to the ``Date`` header (a skewed issuer clock)."""
        self.cache_control: str | None = None
        """``Cache-Control`` sent with both key sets (None: no header)."""
        self.custom_keys: list[str] = ["rsa", "ec"]
        """Key names in the customJwt-style key set, in order."""
        self.custom_extra: list[dict[str, Any]] = []
        """Raw JWKs appended to the customJwt-style key set (e.g. an EdDSA key)."""
        self.custom_content_type: str | None = JSON_TYPE
        self.discovery_content_type: str | None = JSON_TYPE
        self.jwks_content_type: str | None = JSON_TYPE
        """Content-Type of the OIDC discovery document and key set (None: no header)."""
        self.extra_keys: list[dict[str, Any]] = []
        """Raw JWKs appended to the OIDC key set."""

    @property
    def publishable_key(self) -> str:
        return "pk_test_" + base64.b64encode(f"{self.host}$".encode()).decode().rstrip("=")

    # -- documents -------------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        """The OpenID discovery document (Clerk FAPI shape), before any fault is applied."""
        u = self.url
        return {
            "issuer": u if self.discovery_issuer is None else self.discovery_issuer,
            "authorization_endpoint": f"{u}/oauth/authorize",
            "token_endpoint": f"{u}/oauth/token",
            "revocation_endpoint": f"{u}/oauth/token/revoke",
            "introspection_endpoint": f"{u}/oauth/token_info",
            "userinfo_endpoint": f"{u}/oauth/userinfo",
            "jwks_uri": u + self.jwks_path,
            "scopes_supported": ["openid", "profile", "email", "public_metadata",
                                 "private_metadata", "offline_access"],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "none",
                                                      "client_secret_post"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "email", "email_verified",
                                 "name", "given_name", "family_name", "picture", "nonce"],
            "code_challenge_methods_supported": ["S256"],
            "backchannel_logout_supported": False,
            "frontchannel_logout_supported": False,
        }

    def public_jwk(self, key: str) -> dict[str, Any]:
        """The public JWK of the named key ("rsa", "rsa2", "ed25519", "ec")."""
        kid = self.kids[key]
        if key == "ec":
            point = self.ec.public_key().public_numbers()
            return {"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
                    "x": b64url(point.x.to_bytes(32, "big")),
                    "y": b64url(point.y.to_bytes(32, "big"))}
        if key == "ed25519":
            raw = self.ed25519.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return {"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA", "kid": kid,
                    "x": b64url(raw)}
        numbers = self._rsa(key).public_key().public_numbers()
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                "n": _uint(numbers.n), "e": _uint(numbers.e)}

    @property
    def custom_jwks_url(self) -> str:
        return self.url + CUSTOM_JWKS_PATH

    def custom_jwks(self) -> dict[str, Any]:
        """The customJwt-style key set: ``custom_keys`` then ``custom_extra``."""
        return {"keys": [self.public_jwk(k) for k in self.custom_keys] + self.custom_extra}

    def custom_jwks_data_url(self) -> str:
        """The same key set as a ``data:`` URL (a customJwt ``jwks`` may be one)."""
        body = base64.b64encode(_json(self.custom_jwks())).decode("ascii")
        return "data:application/json;base64," + body

    def cache_headers(self) -> dict[str, str]:
        return {"Cache-Control": self.cache_control} if self.cache_control else {}

    def jwks(self) -> dict[str, Any]:
        """The JWKS served: public keys of the kids in ``published`` (unknown kids skipped)."""
        by_kid = {kid: name for name, kid in self.kids.items()}
        return {"keys": [self.public_jwk(by_kid[k]) for k in self.published if k in by_kid]
                + self.extra_keys}

    def public_pem(self, key: str = "rsa") -> bytes:
        """SubjectPublicKeyInfo PEM of the named key (also the HMAC secret of HS* tokens)."""
        private: Any = {"ed25519": self.ed25519, "ec": self.ec}.get(key) or self._rsa(key)
        pem: bytes = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        return pem

    # -- tokens ----------------------------------------------------------------------------
    def _rsa(self, key: str) -> rsa.RSAPrivateKey:
        if key == "rsa":
            return self.rsa
        if key == "rsa2":
            return self.rsa2
        if key == "rsa_small":
            return self.rsa_small
        raise ValueError(f"{key!r} is not an RSA key (use 'rsa', 'rsa2' or 'rsa_small')")

    def _sign(self, key: str, alg: str, data: bytes) -> bytes:
        if alg == "none":
            return b""
        if alg in _HMAC:
            return hmac.new(self.public_pem(key), data, _HMAC[alg]).digest()
        if alg == "EdDSA":
            if key != "ed25519":
                raise ValueError("EdDSA needs key='ed25519'")
            return self.ed25519.sign(data)
        if alg == "ES256":
            if key != "ec":
                raise ValueError("ES256 needs key='ec'")
            r, s = decode_dss_signature(self.ec.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        if alg[:2] in ("RS", "PS") and alg[2:] in _HASHES:
            digest = _HASHES[alg[2:]]()
            pad: padding.AsymmetricPadding = padding.PKCS1v15() if alg[:2] == "RS" else (
                padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size))
            return self._rsa(key).sign(data, pad, digest)
        raise ValueError(f"unsupported alg {alg!r}")

    def mint(self, claims: dict[str, Any], *, key: str = "rsa",
             headers: dict[str, Any] | None = None, alg: str | None = None) -> str:
        """Sign ``claims`` with the named key. ``headers`` override the default header; a value
        of None removes that field. ``alg`` picks the signing algorithm (RS256/384/512,
        PS256/384/512, EdDSA, HS256/384/512 keyed with the public PEM, or "none")."""
        if key not in self.kids:
            raise ValueError(f"unknown key {key!r}; expected one of {sorted(self.kids)}")
        alg = alg or {"ed25519": "EdDSA", "ec": "ES256"}.get(key, "RS256")
        header: dict[str, Any] = {"alg": alg, "typ": "JWT", "kid": self.kids[key]}
        for name, value in (headers or {}).items():
            if value is None:
                header.pop(name, None)
            else:
                header[name] = value
        return self.sign_parts(b64url(_json(header)), b64url(_json(claims)), key=key, alg=alg)

    def sign_parts(self, header: str, payload: str, *, key: str = "rsa",
                   alg: str = "RS256") -> str:
        """Sign already-encoded parts as they are (odd encodings, duplicate members, any
        bytes): ``header.payload.signature``."""
        signing_input = f"{header}.{payload}"
        return f"{signing_input}.{b64url(self._sign(key, alg, signing_input.encode()))}"

    def template_claims(self, now: int, *, lifetime: int = 60, aud: object = "convex",
                        drop: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
        """Claims of a Clerk "convex" JWT-template token (preset claims, 60 s, skew 5 s)."""
        claims: dict[str, Any] = {
            "aud": aud, "azp": DEMO_AZP, "email": "ada@example.com", "email_verified": True,
            "exp": now + lifetime, "family_name": "Lovelace", "given_name": "Ada", "iat": now,
            "iss": self.url, "jti": secrets.token_hex(10), "name": "Ada Lovelace",
            "nbf": now - 5, "nickname": None, "phone_number": None,
            "phone_number_verified": False, "picture": "https://img.clerk.com/demo-avatar",
            "sub": DEMO_SUB, "updated_at": now - 86_400,
        }
        return _finish(claims, extra, drop)

    def session_claims(self, now: int, *, aud: object | None = None,
                       drop: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
        """Claims of a Clerk v2 default session token; with ``aud`` it is the token of the
        Convex integration (session token + ``aud``)."""
        claims: dict[str, Any] = {} if aud is None else {"aud": aud}
        claims.update({
            "azp": DEMO_AZP, "exp": now + 60, "fva": [0, -1], "iat": now, "iss": self.url,
            "jti": secrets.token_hex(10), "nbf": now - 10, "sid": DEMO_SID, "sts": "active",
            "sub": DEMO_SUB, "v": 2,
        })
        return _finish(claims, extra, drop)
