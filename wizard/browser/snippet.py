"""The one-line snippets the user pastes into the app page's devtools console.

Both ask the signed-in session for its two tokens, ``getToken()`` (the session token, which
carries ``aud: "convex"`` when Clerk's Convex integration is on) and ``getToken({template:
'convex'})``, and build the document :mod:`wizard.browser.payload` reads. ``skipCache`` makes
Clerk mint fresh tokens, so a cached one does not arrive with seconds left to live. A missing
template is sent as Clerk's error text (``No JWT template exists with name: convex``) with its
status and code; a signed-out page (``Clerk.session`` is null) and a page without Clerk say
so; ``getToken`` retries network faults for minutes, so each call is raced against
:data:`GET_TOKEN_TIMEOUT_MS`.

- :func:`send_snippet` POSTs the document to the receiver and evaluates to a short status.
- :func:`copy_snippet` is the fallback where the browser blocks the request (an ``https``
  page in a browser that refuses loopback): the devtools ``copy()`` helper puts the document
  on the clipboard and the expression evaluates to ``undefined``, so no token is printed.
"""

from __future__ import annotations

import json

from wizard.browser.payload import PAYLOAD_VERSION
from wizard.providers.clerk.template import TEMPLATE_NAME

GET_TOKEN_TIMEOUT_MS = 20_000
STATUS_PREFIX = "convex-auth-wizard:"
"""What the send snippet's status starts with: ``sent``, ``refused <status>`` or ``blocked``."""

_COLLECT = (
    "(async()=>{const C=window.Clerk,S=C&&C.session,"
    "T=p=>new Promise((y,n)=>{const h=setTimeout(()=>n({kind:'timeout'}),"
    f"{GET_TOKEN_TIMEOUT_MS});"
    "p.then(v=>{clearTimeout(h);y(v)},e=>{clearTimeout(h);n(e)})}),"
    "g=async o=>{if(!C)return{error:{kind:'no_clerk'}};"
    "if(!S)return{error:{kind:'signed_out'}};"
    "try{const t=await T(S.getToken(o));return t?{token:t}:{error:{kind:'signed_out'}}}"
    "catch(e){if(e&&e.kind==='timeout')return{error:{kind:'timeout'}};"
    "const f=e&&e.errors&&e.errors[0]||{};"
    "return{error:{kind:'clerk',message:String(e&&e.message||e).slice(0,500),"
    "status:e&&typeof e.status==='number'?e.status:null,"
    "code:typeof f.code==='string'?f.code.slice(0,100):null}}}};"
    f"return{{v:{PAYLOAD_VERSION},origin:location.origin,"
    "session:await g({skipCache:true}),"
    f"template:await g({{template:{json.dumps(TEMPLATE_NAME)},skipCache:true}})}}}})()"
)


def send_snippet(url: str) -> str:
    """POST both tokens to the receiver at ``url``; the console shows only the status."""
    target = json.dumps(url)
    prefix = json.dumps(STATUS_PREFIX + " ")
    return (
        f"(async()=>{{const p=await {_COLLECT};"
        f"try{{const r=await fetch({target},{{method:'POST',"
        "headers:{'content-type':'application/json'},body:JSON.stringify(p)});"
        f"return {prefix}+(r.ok?'sent':'refused '+r.status)}}"
        f"catch(e){{return {prefix}+'blocked'}}}})()"
    )


def copy_snippet() -> str:
    """Put the same document on the clipboard with devtools' ``copy()`` (top-level ``await``
    in the console); the wizard then reads what the user pastes."""
    return f"copy(JSON.stringify(await {_COLLECT}))"
