"""The peer a Python user would write instead of ``check``: discovery, JWKS, ``jwt.decode``.

Usage: ``python minimal_verify.py ISSUER_URL TOKEN``. Exit status 0 when the token verifies.
"""

import sys

import httpx
import jwt


def main() -> int:
    issuer, token = sys.argv[1], sys.argv[2]
    with httpx.Client(timeout=10.0, follow_redirects=True) as client:
        discovery = client.get(issuer.rstrip("/") + "/.well-known/openid-configuration").json()
        jwks = client.get(discovery["jwks_uri"]).json()
    kid = jwt.get_unverified_header(token).get("kid")
    key = next(jwt.PyJWK(k) for k in jwks["keys"] if k.get("kid") == kid)
    claims = jwt.decode(token, key, algorithms=["RS256", "EdDSA"], audience="convex",
                        issuer=discovery["issuer"])
    print("verified", claims["sub"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
