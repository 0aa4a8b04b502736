"""The rule suite as data: tokens (and issuer settings) with Convex's expected answer.

Each case is judged by the wizard and by the stand-in deployment's own judge in
``test_judge_agreement.py``; ``test_rules.py`` and ``test_custom_jwt.py`` keep the detailed
assertions about what the wizard says. ``expect`` is Convex's answer (status, code), from the
sources (research/convex_spec.md and issue 11's confirmed disagreements).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.conftest import NOW
from wizard.demo.local_issuer import RSA2_KID, SMALL_RSA_KID, LocalIssuer, b64url

OK = (200, "")
PARSE = (401, "InvalidAuthHeader")
NO_PROVIDER = (401, "NoAuthProvider")
UNVERIFIED = (401, "Unauthenticated")
INTERNAL = (500, "InternalServerError")
DISCOVERY = (400, "AuthProviderDiscoveryFailed")

Build = Callable[[LocalIssuer], str]
Setup = Callable[[LocalIssuer], None]
CUSTOM_ISS = "https://auth.custom.example.com"


def template(issuer: LocalIssuer, **claims: Any) -> dict[str, Any]:
    return issuer.template_claims(NOW, **claims)


def raw(issuer: LocalIssuer, header: str, payload: str, *, key: str = "rsa",
        alg: str = "RS256", header_bytes: bytes | None = None,
        payload_bytes: bytes | None = None) -> str:
    """A token from JSON text (nulls, repeated members) or raw bytes, signed as it is."""
    head = b64url(header_bytes if header_bytes is not None else header.encode())
    body = b64url(payload_bytes if payload_bytes is not None else payload.encode())
    return issuer.sign_parts(head, body, key=key, alg=alg)


def header_json(issuer: LocalIssuer, extra: str = "", kid: str | None = None) -> str:
    kid_text = json.dumps(kid if kid is not None else issuer.kids["rsa"])
    return '{"alg":"RS256","typ":"JWT","kid":' + kid_text + extra + "}"


def claims_json(issuer: LocalIssuer, extra: str = "", **claims: Any) -> str:
    return json.dumps(template(issuer, **claims))[:-1] + extra + "}"


def with_trailing_bits(part: str) -> str:
    """The same bytes with non-zero unused bits in the last character (lenient decoders
    read it the same; strict ones refuse it)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    if len(part) % 4 == 0:
        raise ValueError("no unused bits")
    return part[:-1] + alphabet[alphabet.index(part[-1]) | 1]


def _trailing(issuer: LocalIssuer, which: int, iss: str | None = None) -> str:
    for pad in range(4):
        claims = template(issuer, x="y" * pad)
        parts = issuer.mint(claims | {"iss": iss or issuer.url}).split(".")
        if len(parts[which]) % 4:
            parts[which] = with_trailing_bits(parts[which])
            return ".".join(parts)
    raise AssertionError("no part with unused bits")


def _pad_header(issuer: LocalIssuer) -> str:
    for extra in range(4):
        header, payload, signature = issuer.mint(template(issuer),
                                                 headers={"x": "y" * extra}).split(".")
        if len(header) % 4:
            return f"{header}{'=' * (-len(header) % 4)}.{payload}.{signature}"
    raise AssertionError("no padded header")


def _publish(**extra: Any) -> Setup:
    def setup(issuer: LocalIssuer) -> None:
        for name, value in extra.items():
            setattr(issuer, name, value)
    return setup


def _extra_key(make: Callable[[LocalIssuer], dict[str, Any]]) -> Setup:
    def setup(issuer: LocalIssuer) -> None:
        issuer.extra_keys = [make(issuer)]
    return setup


@dataclass(frozen=True)
class Case:
    id: str
    build: Build
    expect: tuple[int, str]
    setup: Setup | None = None
    at: float = NOW
    note: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


def _no_e(issuer: LocalIssuer) -> dict[str, Any]:
    jwk = dict(issuer.public_jwk("rsa2"))
    del jwk["e"], jwk["kid"], jwk["alg"]
    return jwk


def _numeric_kid(issuer: LocalIssuer) -> dict[str, Any]:
    return {**issuer.public_jwk("rsa2"), "kid": 123}


def _ed448(issuer: LocalIssuer) -> dict[str, Any]:
    return {"kty": "OKP", "crv": "Ed448", "x": b64url(b"\x01" * 57), "use": "sig"}


def _small_rsa(issuer: LocalIssuer) -> dict[str, Any]:
    return issuer.public_jwk("rsa_small")


OIDC_CASES: tuple[Case, ...] = (
    Case("good-template", lambda i: i.mint(template(i)), OK),
    Case("good-integration", lambda i: i.mint(i.session_claims(NOW, aud="convex")), OK),
    Case("eddsa", lambda i: i.mint(template(i), key="ed25519"), OK),
    Case("session-without-aud", lambda i: i.mint(i.session_claims(NOW)), NO_PROVIDER),
    Case("aud-extra", lambda i: i.mint(template(i, aud=["convex", "my-api"])), UNVERIFIED),
    Case("aud-array-only-app", lambda i: i.mint(template(i, aud=["convex"])), OK),
    Case("aud-other-case", lambda i: i.mint(template(i, aud="Convex")), NO_PROVIDER),
    Case("iss-trailing-slash", lambda i: i.mint(template(i, iss=i.url + "/")), DISCOVERY,
         note="discovery's issuer (no slash) must equal the token's iss exactly"),
    Case("iss-https-for-http", lambda i: i.mint(template(
        i, iss=i.url.replace("http://", "https://"))), NO_PROVIDER),
    Case("iss-missing", lambda i: i.mint(template(i, drop=["iss"])), PARSE),
    Case("iss-without-scheme", lambda i: i.mint(template(i, iss=i.host)), NO_PROVIDER,
         note="https://host does not match the http:// provider"),
    Case("expired-1s", lambda i: i.mint(i.template_claims(NOW - 61)), UNVERIFIED),
    Case("exp-equals-now", lambda i: i.mint(i.template_claims(NOW - 60)), UNVERIFIED),
    Case("one-second-left", lambda i: i.mint(i.template_claims(NOW - 59)), OK),
    Case("iat-in-future", lambda i: i.mint(template(i, iat=NOW + 30, exp=NOW + 90)), OK),
    Case("nbf-in-future", lambda i: i.mint(template(i, nbf=NOW + 30)), OK),
    Case("alg-none", lambda i: i.mint(template(i), alg="none"), UNVERIFIED),
    Case("alg-hs256", lambda i: i.mint(template(i), alg="HS256"), UNVERIFIED),
    Case("alg-rs384", lambda i: i.mint(template(i), alg="RS384"), UNVERIFIED),
    Case("alg-ps256", lambda i: i.mint(template(i), alg="PS256"), UNVERIFIED),
    Case("unknown-kid", lambda i: i.mint(template(i), headers={"kid": "nope"}), UNVERIFIED),
    Case("no-kid-one-rsa-key", lambda i: i.mint(template(i), headers={"kid": None}), OK),
    Case("no-kid-two-rsa-keys", lambda i: i.mint(template(i), headers={"kid": None}),
         UNVERIFIED, setup=_publish(published=["ins_local_rsa1", RSA2_KID])),
    Case("wrong-key", lambda i: i.mint(template(i), key="rsa2",
                                       headers={"kid": "ins_local_rsa1"}), UNVERIFIED),
    Case("rs256-with-eddsa-kid", lambda i: i.mint(template(i), headers={"kid": "ins_local_ed1"}),
         UNVERIFIED),
    Case("missing-sub", lambda i: i.mint(template(i, drop=["sub"])), PARSE),
    Case("missing-iat", lambda i: i.mint(template(i, drop=["iat"])), PARSE),
    Case("missing-exp", lambda i: i.mint(template(i, drop=["exp"])), PARSE),
    Case("typ-jwt-lower", lambda i: i.mint(template(i), headers={"typ": "jwt"}), OK),
    Case("typ-jose", lambda i: i.mint(template(i), headers={"typ": "JOSE"}), OK),
    Case("typ-absent", lambda i: i.mint(template(i), headers={"typ": None}), OK),
    Case("typ-at-jwt", lambda i: i.mint(template(i), headers={"typ": "at+jwt"}), UNVERIFIED),
    Case("crit-list", lambda i: i.mint(template(i), headers={"crit": ["exp"]}), UNVERIFIED),
    Case("cty-jwt", lambda i: i.mint(template(i), headers={"cty": "JWT"}), UNVERIFIED),
    Case("exp-string", lambda i: i.mint(template(i, exp=str(NOW + 60))), PARSE),
    Case("iat-negative", lambda i: i.mint(template(i, iat=-1)), PARSE),
    Case("fractional-times", lambda i: i.mint(template(i, iat=NOW + 0.5, exp=NOW + 60.5)), OK),
    Case("padded-header", _pad_header, PARSE),
    Case("email-verified-string", lambda i: i.mint(template(i, email_verified="true")), PARSE),
    Case("aud-with-number", lambda i: i.mint(template(i, aud=["convex", 1])), PARSE),
    Case("not-a-jwt", lambda i: "not a token", PARSE),
    Case("kid-number", lambda i: i.mint(template(i), headers={"kid": 123}), PARSE),
    # -- the confirmed disagreements (issue 11 §3) --------------------------------------------
    Case("crit-null", lambda i: raw(i, header_json(i, ',"crit":null'), claims_json(i)), OK),
    Case("cty-null", lambda i: raw(i, header_json(i, ',"cty":null'), claims_json(i)), OK),
    Case("kid-null", lambda i: raw(i, '{"alg":"RS256","typ":"JWT","kid":null}',
                                   claims_json(i)), OK),
    Case("nbf-null", lambda i: i.mint(template(i, nbf=None)), OK),
    Case("jti-number", lambda i: i.mint(template(i, jti=12345)), PARSE),
    Case("exp-year-11000", lambda i: i.mint(template(i, exp=285_000_000_000)), OK),
    Case("exp-beyond-chrono", lambda i: i.mint(template(i, exp=10 ** 13)), INTERNAL,
         note="biscuit unwraps the date: the backend panics"),
    Case("updated-at-milliseconds", lambda i: i.mint(template(i, updated_at=NOW * 1000)), OK),
    Case("auth-time-rfc3339", lambda i: i.mint(template(i, auth_time="2026-11-26T10:00:00Z")),
         OK),
    Case("auth-time-negative", lambda i: i.mint(template(i, auth_time=-5)), OK),
    Case("birthday-number", lambda i: i.mint(template(i, birthday=19900101)), PARSE),
    Case("email-language-tag", lambda i: i.mint(template(i, **{"email#en": "a@b.c"})), PARSE),
    Case("name-language-tag", lambda i: i.mint(template(i, **{"name#en": "Ada"})), OK),
    Case("address-number-member", lambda i: i.mint(template(i, address={"formatted": 1})),
         PARSE),
    Case("duplicate-email", lambda i: raw(i, header_json(i), claims_json(
        i, ',"email":"b@example.com"')), PARSE),
    Case("duplicate-iss", lambda i: raw(i, header_json(i), claims_json(
        i, ',"iss":' + json.dumps(i.url))), PARSE),
    Case("large-token", lambda i: i.mint(template(i, blob="x" * 40_000)), OK),
    Case("payload-trailing-bits", lambda i: _trailing(i, 1), PARSE),
    Case("signature-trailing-bits", lambda i: _trailing(i, 2), OK,
         note="openidconnect-rs decodes the signature leniently"),
    Case("rsa-1024-key", lambda i: i.mint(template(i), key="rsa_small"), UNVERIFIED,
         setup=_publish(published=["ins_local_rsa1", SMALL_RSA_KID])),
    Case("unknown-crv-is-a-candidate", lambda i: i.mint(template(i), key="ed25519",
                                                        headers={"kid": None}),
         UNVERIFIED, setup=_extra_key(_ed448)),
    Case("unreadable-key-skipped", lambda i: i.mint(template(i), headers={"kid": None}), OK,
         setup=_extra_key(_numeric_kid)),
    Case("rsa-key-without-e-is-a-candidate", lambda i: i.mint(template(i),
                                                              headers={"kid": None}),
         UNVERIFIED, setup=_extra_key(_no_e)),
    Case("discovery-content-type-space", lambda i: i.mint(template(i)), DISCOVERY,
         setup=_publish(discovery_content_type="application/json ; charset=utf-8")),
    Case("jwks-content-type-empty", lambda i: i.mint(template(i)), DISCOVERY,
         setup=_publish(jwks_content_type="")),
    Case("jwks-content-type-absent", lambda i: i.mint(template(i)), OK,
         setup=_publish(jwks_content_type=None)),
    Case("payload-utf16", lambda i: raw(i, header_json(i), "", payload_bytes=claims_json(
        i).encode("utf-16")), PARSE),
    Case("payload-utf8-bom", lambda i: raw(i, header_json(i), "", payload_bytes=b"\xef\xbb\xbf"
                                           + claims_json(i).encode()), PARSE),
    Case("header-utf32", lambda i: raw(i, "", claims_json(i), header_bytes=header_json(
        i).encode("utf-32")), PARSE),
    Case("payload-lone-surrogate", lambda i: raw(i, header_json(i), claims_json(
        i, ',"note":"\\ud800"')), PARSE),
)


def custom_template(issuer: LocalIssuer, **claims: Any) -> dict[str, Any]:
    return template(issuer, iss=CUSTOM_ISS, **claims)


CUSTOM_CASES: tuple[Case, ...] = (
    Case("custom-rs256", lambda i: i.mint(custom_template(i)), OK),
    Case("custom-es256", lambda i: i.mint(custom_template(i), key="ec"), OK, tags=("es256",)),
    Case("custom-es256-under-rs256", lambda i: i.mint(custom_template(i), key="ec"), PARSE),
    Case("custom-eddsa-key-in-set", lambda i: i.mint(custom_template(i)), PARSE,
         setup=lambda i: setattr(i, "custom_extra", [i.public_jwk("ed25519")])),
    Case("custom-okp-key-without-alg", lambda i: i.mint(custom_template(i)), OK,
         setup=lambda i: setattr(i, "custom_extra", [
             {k: v for k, v in i.public_jwk("ed25519").items() if k != "alg"}])),
    Case("custom-missing-kid", lambda i: i.mint(custom_template(i), headers={"kid": None}),
         PARSE),
    Case("custom-unknown-kid", lambda i: i.mint(custom_template(i), headers={"kid": "x"}),
         PARSE),
    Case("custom-expired-3s", lambda i: i.mint(custom_template(i, exp=NOW - 3)), OK),
    Case("custom-expired-6s", lambda i: i.mint(custom_template(i, exp=NOW - 6)), PARSE),
    Case("custom-nbf-4s-ahead", lambda i: i.mint(custom_template(i, nbf=NOW + 4)), OK),
    Case("custom-iat-6s-ahead", lambda i: i.mint(custom_template(i, iat=NOW + 6)), PARSE),
    Case("custom-no-exp", lambda i: i.mint(custom_template(i, drop=["exp"])), PARSE),
    Case("custom-no-iat", lambda i: i.mint(custom_template(i, drop=["iat", "nbf"])), OK),
    Case("custom-extra-audience", lambda i: i.mint(custom_template(i, aud=["convex", "x"])),
         OK),
    Case("custom-crit-accepted", lambda i: i.mint(custom_template(i),
                                                  headers={"crit": ["exp"]}), OK),
    Case("custom-signature-trailing-bits", lambda i: _trailing(i, 2, CUSTOM_ISS), PARSE),
    Case("custom-payload-trailing-bits", lambda i: _trailing(i, 1, CUSTOM_ISS), PARSE),
    Case("custom-content-type-space", lambda i: i.mint(custom_template(i)), PARSE,
         setup=_publish(custom_content_type="application/json ; charset=utf-8")),
    Case("custom-content-type-charset-upper", lambda i: i.mint(custom_template(i)), OK,
         setup=_publish(custom_content_type="application/jwk-set+json; charset=UTF-8")),
    Case("custom-content-type-latin1", lambda i: i.mint(custom_template(i)), PARSE,
         setup=_publish(custom_content_type="application/json; charset=latin-1")),
    Case("custom-content-type-absent", lambda i: i.mint(custom_template(i)), PARSE,
         setup=_publish(custom_content_type=None)),
)
