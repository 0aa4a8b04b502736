// The peer a JavaScript backend would use instead of `check`: discovery, then jose's
// createRemoteJWKSet + jwtVerify. Usage: node jose_verify.mjs ISSUER_URL TOKEN
// (copied next to benchmarks/.work/node/node_modules so that `jose` resolves).
import { createRemoteJWKSet, jwtVerify } from "jose";

const [issuer, token] = process.argv.slice(2);
const response = await fetch(issuer.replace(/\/$/, "") + "/.well-known/openid-configuration");
const discovery = await response.json();
const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
const { payload } = await jwtVerify(token, jwks, {
  issuer: discovery.issuer,
  audience: "convex",
  algorithms: ["RS256", "EdDSA"],
});
console.log("verified", payload.sub);
