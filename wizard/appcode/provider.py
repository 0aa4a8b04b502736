"""``app.provider`` and ``app.provider_props``: how the app hands Clerk's token to Convex.

React apps: ``ConvexProviderWithClerk`` (not a plain ``ConvexProvider`` while Clerk is used),
inside ``ClerkProvider`` by the rule of :mod:`wizard.appcode.tree`, given the ``useAuth`` hook
itself (not its result) from the same Clerk package as that ``ClerkProvider``, in a
``"use client"`` file under Next.js's App Router; and no prop the installed
``ConvexProviderWithClerk`` does not declare.

Svelte and Vue apps have no provider component: the client is given a token fetcher through
``setAuth``/``setupAuth``, which must be a function (a token string goes stale within a
minute) whose ``getToken`` asks for the template the project's path needs.
"""

from __future__ import annotations

from wizard.appcode.context import (
    REACT_FAMILY,
    AppContext,
    argument,
    clerk_package,
    excerpt,
    finding,
    judge_template,
    token_requests,
    where,
)
from wizard.appcode.facts import FileFacts, Jsx
from wizard.appcode.model import Edit, Finding
from wizard.appcode.tree import Chain

PROVIDER = "app.provider"
PROPS = "app.provider_props"
# Core 3 packages whose useAuth is @clerk/react's own (re-exported), so mixing them with
# @clerk/react shares one context when one copy is installed (research-16-17 §17.2).
_SHARED_CONTEXT = frozenset({"@clerk/react", "@clerk/nextjs", "@clerk/tanstack-react-start",
                             "@clerk/react-router"})
_FUNCTION_NODES = frozenset({"arrow_function", "function_expression", "function"})
_USE_CLIENT = '"use client";\n'


def _clerk_wrapper(chain: Chain) -> tuple[FileFacts, Jsx] | None:
    for wrapper in chain.wrappers:
        resolved = wrapper.facts.resolve(wrapper.jsx.name)
        if resolved is not None and resolved[1] == "ClerkProvider" and \
                clerk_package(resolved[0]) is not None:
            return wrapper.facts, wrapper.jsx
    return None


def _top(facts: FileFacts, jsx: Jsx, chain: Chain) -> str:
    """Where a chain reaches the top of the app: its outermost wrapper, or the site itself."""
    if chain.wrappers:
        outer = chain.wrappers[-1]
        return where(outer.facts, outer.jsx.tag)
    return where(facts, jsx.tag)


def _nesting(ctx: AppContext, facts: FileFacts, jsx: Jsx,
             clerk_sites: list[tuple[FileFacts, Jsx]]) -> tuple[list[Finding],
                                                                tuple[FileFacts, Jsx] | None]:
    chains = ctx.tree.chains(facts, jsx.element)
    wrappers = [_clerk_wrapper(chain) for chain in chains]
    inside = next((w for w in wrappers if w is not None), None)
    outside = [chain for chain, w in zip(chains, wrappers, strict=True)
               if w is None and chain.end == "root"]
    if outside:
        nested_clerk = next((where(f, j.tag) for f, j in clerk_sites
                             if f is facts and jsx.element.start_byte < j.tag.start_byte
                             < jsx.element.end_byte), "")
        return [finding(PROVIDER, "fail", "outside_clerk_provider", facts, jsx.tag,
                        top=_top(facts, jsx, outside[0]), clerk_provider_inside=nested_clerk,
                        clerk_providers=", ".join(where(f, j.tag) for f, j in clerk_sites[:5]))
                ], inside
    if inside is None:
        reason = "nesting_unknown" if clerk_sites else "no_clerk_provider"
        return [finding(PROVIDER, "warn", reason, facts, jsx.tag,
                        clerk_providers=", ".join(where(f, j.tag) for f, j in clerk_sites[:5]),
                        files_skipped=str(sum(ctx.scan.skipped_counts.values())))], None
    return [], inside


def _use_auth(facts: FileFacts, jsx: Jsx, provider: tuple[FileFacts, Jsx] | None,
              clerk_sites: list[tuple[FileFacts, Jsx]]) -> list[Finding]:
    attribute = jsx.attribute("useAuth")
    if attribute is None:
        if jsx.has_spread:
            return []
        return [finding(PROVIDER, "fail", "missing_use_auth", facts, jsx.tag)]
    value = attribute.value
    inner = value.named_children[0] if value is not None and value.type == "jsx_expression" \
        and value.named_children else None
    if inner is None:
        return [finding(PROVIDER, "fail", "use_auth_not_a_hook", facts, attribute.node,
                        written=excerpt(facts, attribute.node))]
    if inner.type == "call_expression":
        return [finding(PROVIDER, "fail", "use_auth_called", facts, attribute.node,
                        written=excerpt(facts, inner))]
    if inner.type not in ("identifier", "member_expression"):
        return []
    resolved = facts.resolve(facts.text(inner))
    use_package = clerk_package(resolved[0]) if resolved is not None else None
    if use_package is None:
        return [finding(PROVIDER, "warn", "use_auth_not_from_clerk", facts, attribute.node,
                        written=facts.text(inner),
                        imported_from=resolved[0] if resolved is not None else "")]
    provider_facts, provider_jsx = provider if provider is not None else (None, None)
    if provider_facts is None or provider_jsx is None:
        packages = {clerk_package(r[0]) for f, j in clerk_sites
                    if (r := f.resolve(j.name)) is not None}
        if len(packages) != 1:
            return []
        provider_facts, provider_jsx = clerk_sites[0]
    provider_resolved = provider_facts.resolve(provider_jsx.name)
    provider_package = clerk_package(provider_resolved[0]) if provider_resolved else None
    if provider_package is None or provider_package == use_package:
        return []
    shared = {use_package, provider_package} <= _SHARED_CONTEXT
    return [finding(PROVIDER, "warn" if shared else "fail",
                    "use_auth_package_differs" if shared else "use_auth_package_mismatch",
                    facts, attribute.node, use_auth_package=use_package,
                    clerk_provider_package=provider_package,
                    clerk_provider_at=where(provider_facts, provider_jsx.tag))]


def _use_client(ctx: AppContext, facts: FileFacts, jsx: Jsx) -> list[Finding]:
    framework = ctx.framework
    if framework.name != "next" or "use client" in facts.directives or \
            facts.rel.startswith(("pages/", "src/pages/")):
        return []
    if "app" not in framework.routers and not facts.rel.startswith(("app/", "src/app/")):
        return []
    edit = Edit(facts.rel, 0, 0, "", _USE_CLIENT)
    return [finding(PROVIDER, "fail", "missing_use_client", facts, jsx.tag, edit=edit)]


def _props(facts: FileFacts, jsx: Jsx, known: tuple[str, ...], source: str) -> list[Finding]:
    found: list[Finding] = []
    data = facts.parsed.data
    for attribute in jsx.attributes:
        if attribute.name in known:
            continue
        node = attribute.node
        start = node.start_byte
        while start > 0 and data[start - 1:start] in (b" ", b"\t", b"\n", b"\r"):
            start -= 1
        edit = Edit(facts.rel, start, node.end_byte, data[start:node.end_byte].decode(
            "utf-8", "replace"), "")
        found.append(finding(PROPS, "fail", "unknown_prop", facts, node, edit=edit,
                             prop=attribute.name, known_props=", ".join(known),
                             props_source=source))
    if "client" in known and jsx.attribute("client") is None and not jsx.has_spread:
        found.append(finding(PROPS, "fail", "missing_prop", facts, jsx.tag, prop="client",
                             known_props=", ".join(known), props_source=source))
    return found


def _set_auth_findings(ctx: AppContext) -> list[Finding]:
    """Svelte/Vue: the token fetcher handed to the Convex client."""
    found: list[Finding] = []
    sites = [(facts, call) for facts in ctx.files for call in facts.calls
             if call.name in ("setAuth", "setupAuth")]
    if not sites:
        return [finding(PROVIDER, "fail", "auth_never_set", None, None,
                        clients=", ".join(ctx.framework.convex_clients))]
    for facts, call in sites:
        first = argument(call.node, 0)
        if first is None:
            continue
        if first.type not in _FUNCTION_NODES and first.type != "identifier":
            found.append(finding(PROVIDER, "fail", "token_not_a_function", facts, call.node,
                                 call=call.name, written=excerpt(facts, first)))
            continue
        for request in token_requests(ctx, facts, first):
            verdict = judge_template(request.template, ctx.token_path)
            if verdict is not None:
                found.append(finding(PROVIDER, verdict[0], verdict[1], request.facts,
                                     request.call.node, template=request.template or "",
                                     path=ctx.token_path or ""))
    return found


def check_provider(ctx: AppContext) -> list[Finding]:
    """``app.provider`` and ``app.provider_props`` findings."""
    if not ctx.uses_clerk:
        return [finding(PROVIDER, "skip", "no_clerk"), finding(PROPS, "skip", "no_clerk")]
    if ctx.framework.name not in REACT_FAMILY:
        found = _set_auth_findings(ctx)
        return (found or [finding(PROVIDER, "pass", "token_fetcher_wired")]) + [
            finding(PROPS, "skip", "not_react")]
    with_clerk = ctx.elements("convex/react-clerk", "ConvexProviderWithClerk")
    plain = ctx.elements("convex/react", "ConvexProvider")
    clerk_sites = ctx.elements("@clerk/", "ClerkProvider")
    provider: list[Finding] = [finding(PROVIDER, "fail", "plain_convex_provider", facts, jsx.tag,
                                       clerk_packages=", ".join(ctx.framework.clerk_packages))
                               for facts, jsx in plain]
    if not with_clerk:
        if not plain:
            with_auth = ctx.elements("convex/react", "ConvexProviderWithAuth")
            provider.append(finding(PROVIDER, "pass", "custom_auth_provider", with_auth[0][0],
                                    with_auth[0][1].tag)
                            if with_auth else
                            finding(PROVIDER, "skip", "no_source")
                            if all(path.startswith("convex/") for path in ctx.scan.paths_seen)
                            else
                            finding(PROVIDER, "warn", "no_convex_provider",
                                    files_parsed=str(ctx.scan.files_parsed),
                                    files_skipped=str(sum(ctx.scan.skipped_counts.values()))))
        return [*provider, finding(PROPS, "skip", "no_convex_provider_with_clerk")]
    known, source = ctx.props, ctx.props_source
    props: list[Finding] = []
    for facts, jsx in with_clerk:
        nesting, clerk_provider = _nesting(ctx, facts, jsx, clerk_sites)
        provider += nesting
        provider += _use_auth(facts, jsx, clerk_provider, clerk_sites)
        provider += _use_client(ctx, facts, jsx)
        props += _props(facts, jsx, known, source)
    first_facts, first_jsx = with_clerk[0]
    if not provider:
        provider.append(finding(PROVIDER, "pass", "wired", first_facts, first_jsx.tag))
    if not props:
        props.append(finding(PROPS, "pass", "known_props_only", first_facts, first_jsx.tag,
                             known_props=", ".join(known), props_source=source))
    return provider + props
