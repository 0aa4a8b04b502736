"""``app.server_token``: server-side Convex calls carry a fresh token from Clerk's server
helpers, with the template the project's path needs.

- ``fetchQuery``/``preloadQuery``/``fetchMutation``/``fetchAction`` from ``convex/nextjs``
  take the token in their last argument (``{ token }``); without it the call is anonymous
  (a warning: a public query needs none).
- The token must come from a ``getToken`` call (``(await auth()).getToken(…)``, a
  ``getToken`` destructured from ``auth()``/``getAuth()``), found in the expression, behind a
  local constant, or inside a local or imported helper such as ``getAuthToken()``. The
  ``getToken`` exported at the top of Clerk's React packages runs only in a browser.
- The template: ``{ template: "convex" }`` on the template path, none needed with Clerk's
  Convex integration; another template name is never what ``ConvexProviderWithClerk`` uses.
- ``ConvexHttpClient.setAuth`` takes a token string that expires in about a minute: a client
  created at module level (shared by every request) must not be given one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.appcode.context import (
    AppContext,
    TokenRequest,
    argument,
    excerpt,
    finding,
    has_spread,
    judge_template,
    property_value,
    token_requests,
    where,
)
from wizard.appcode.facts import FileFacts
from wizard.appcode.model import Finding

if TYPE_CHECKING:
    from tree_sitter import Node

SERVER = "app.server_token"
SERVER_CALLS: tuple[str, ...] = ("fetchQuery", "preloadQuery", "fetchMutation", "fetchAction")
_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function",
                        "method_definition", "generator_function_declaration"})


def _judge_requests(ctx: AppContext, facts: FileFacts, site: Node, call: str) -> list[Finding]:
    requests: list[TokenRequest] = token_requests(ctx, facts, site)
    if not requests:
        return [finding(SERVER, "warn", "token_not_from_clerk", facts, site, call=call,
                        written=excerpt(facts, site))]
    found: list[Finding] = []
    for request in requests:
        if request.browser_only:
            found.append(finding(SERVER, "fail", "browser_get_token", request.facts,
                                 request.call.node, call=call, used_at=where(facts, site)))
            continue
        verdict = judge_template(request.template, ctx.token_path)
        if verdict is not None:
            found.append(finding(SERVER, verdict[0], verdict[1], request.facts,
                                 request.call.node, template=request.template or "",
                                 path=ctx.token_path or "", call=call,
                                 used_at=where(facts, site)))
    return found


def _token_option(facts: FileFacts, options: Node) -> Node | None:
    """The ``token`` value of an options object literal; the options themselves when they
    are not a literal or a spread may hold the token (then it is not judged)."""
    if options.type != "object":
        return options
    value = property_value(facts, options, "token")
    return options if value is None and has_spread(options) else value


def _server_calls(ctx: AppContext) -> list[Finding]:
    found: list[Finding] = []
    for facts, call in ctx.calls(SERVER_CALLS, ("convex/nextjs",)):
        options = argument(call.node, 2)
        token = _token_option(facts, options) if options is not None else None
        if token is None:
            found.append(finding(SERVER, "warn", "no_token", facts, call.node, call=call.name))
        elif token is not options:
            found += _judge_requests(ctx, facts, token, call.name)
    return found


def _module_level(node: Node) -> bool:
    current = node.parent
    while current is not None:
        if current.type in _FUNCTIONS:
            return False
        current = current.parent
    return True


def _http_clients(ctx: AppContext) -> list[Finding]:
    found: list[Finding] = []
    for facts in ctx.files:
        shared: dict[str, Node] = {}
        for name, node in facts.news:
            resolved = facts.resolve(name)
            if name != "ConvexHttpClient" or resolved is None or \
                    not resolved[0].startswith("convex/"):
                continue
            declarator = node.parent
            if declarator is None or declarator.type != "variable_declarator":
                continue
            named = declarator.child_by_field_name("name")
            if named is not None and _module_level(node):
                shared[facts.text(named)] = node
                options = argument(node, 1)
                if options is not None and options.type == "object" and \
                        property_value(facts, options, "auth") is not None:
                    found.append(finding(SERVER, "fail", "shared_client_token", facts, node,
                                         client=facts.text(named), created_at=where(facts, node)))
        for call in facts.calls:
            if call.name != "setAuth" or call.receiver is None:
                continue
            receiver = facts.text(call.receiver)
            created = shared.get(receiver)
            if created is not None:
                found.append(finding(SERVER, "fail", "shared_client_token", facts, call.node,
                                     client=receiver, created_at=where(facts, created)))
                continue
            if not _is_http_client(facts, receiver):
                continue
            token = argument(call.node, 0)
            if token is not None:
                found += _judge_requests(ctx, facts, token, "setAuth")
    return found


def _is_http_client(facts: FileFacts, receiver: str) -> bool:
    for name, node in facts.news:
        declarator = node.parent
        if name == "ConvexHttpClient" and declarator is not None and \
                declarator.type == "variable_declarator":
            named = declarator.child_by_field_name("name")
            if named is not None and facts.text(named) == receiver:
                return True
    return False


def check_server_token(ctx: AppContext) -> list[Finding]:
    calls = ctx.calls(SERVER_CALLS, ("convex/nextjs",))
    clients = [n for f in ctx.files for name, n in f.news if name == "ConvexHttpClient"]
    if not calls and not clients:
        return [finding(SERVER, "skip", "no_server_calls")]
    found = _server_calls(ctx) + _http_clients(ctx)
    return found or [finding(SERVER, "pass", "fresh_token", path=ctx.token_path or "",
                             calls=str(len(calls) + len(clients)))]
