"""``app.auth_gating`` (a warning): components that call Convex's hooks behind Clerk's
signed-in state rather than Convex's.

Clerk knows the user is signed in before Convex has received and checked the token, so a query
gated by Clerk's ``<SignedIn>`` (Core 2), ``<Show when="signed-in">`` (Core 3), ``<Protect>`` or
``useAuth().isSignedIn`` runs unauthenticated for a moment (``ctx.auth.getUserIdentity()`` is
null, "Not authenticated" thrown). Convex's ``<Authenticated>`` and ``useConvexAuth()`` wait
for the token. A component is flagged when one of its wrapping paths (the rule of
:mod:`wizard.appcode.tree`) passes a Clerk gate and no Convex gate, or when it reads Clerk's
``isSignedIn`` and not ``useConvexAuth``.
"""

from __future__ import annotations

from wizard.appcode.context import AppContext, clerk_package, finding, where
from wizard.appcode.facts import Call, FileFacts
from wizard.appcode.model import Finding
from wizard.appcode.tree import Chain, Wrapper

GATING = "app.auth_gating"
HOOKS: tuple[str, ...] = ("useQuery", "usePaginatedQuery", "useQueries", "useMutation",
                          "useAction")
_CLERK_GATES = frozenset({"SignedIn", "Protect"})
_CONVEX_GATES = frozenset({"Authenticated"})


def _is_clerk_gate(wrapper: Wrapper) -> bool:
    resolved = wrapper.facts.resolve(wrapper.jsx.name)
    if resolved is None or clerk_package(resolved[0]) is None:
        return False
    if resolved[1] in _CLERK_GATES:
        return True
    if resolved[1] != "Show":
        return False
    when = wrapper.jsx.attribute("when")
    return when is not None and when.value is not None and \
        "signed-in" in wrapper.facts.text(when.value)


def _is_convex_gate(wrapper: Wrapper) -> bool:
    resolved = wrapper.facts.resolve(wrapper.jsx.name)
    return resolved is not None and resolved[0].startswith("convex/react") and \
        resolved[1] in _CONVEX_GATES


def _clerk_gate(chain: Chain) -> Wrapper | None:
    """The Clerk gate on a path that no Convex gate also guards."""
    gate: Wrapper | None = None
    for wrapper in chain.wrappers:
        if _is_convex_gate(wrapper):
            return None
        if gate is None and _is_clerk_gate(wrapper):
            gate = wrapper
    return gate


def _component_calls(facts: FileFacts, component_start: int, names: tuple[str, ...],
                     clerk: bool) -> list[Call]:
    found: list[Call] = []
    for call in facts.calls:
        if call.name not in names or call.receiver is not None:
            continue
        component = facts.component_of(call.node)
        resolved = facts.resolve(call.name)
        if component is None or component.node.start_byte != component_start or resolved is None:
            continue
        if (clerk_package(resolved[0]) is not None) == clerk:
            found.append(call)
    return found


def check_auth_gating(ctx: AppContext) -> list[Finding]:
    found: list[Finding] = []
    hooks = ctx.calls(HOOKS, ("convex/react",))
    if not hooks or not ctx.uses_clerk:
        return [finding(GATING, "skip", "no_convex_hooks" if not hooks else "no_clerk")]
    judged: set[tuple[str, int]] = set()
    for facts, call in hooks:
        component = facts.component_of(call.node)
        if component is None:
            continue
        key = (facts.rel, component.node.start_byte)
        if key in judged:
            continue
        judged.add(key)
        if _component_calls(facts, component.node.start_byte, ("useConvexAuth",), clerk=False):
            continue
        clerk_auth = _component_calls(facts, component.node.start_byte, ("useAuth",), clerk=True)
        if clerk_auth and b"isSignedIn" in facts.parsed.data[component.node.start_byte:
                                                            component.node.end_byte]:
            found.append(finding(GATING, "warn", "clerk_hook_gate", facts, call.node,
                                 hook=call.name, gate="useAuth().isSignedIn",
                                 gate_at=where(facts, clerk_auth[0].node),
                                 component=component.name or ""))
            continue
        for chain in ctx.tree.chains(facts, call.node):
            gate = _clerk_gate(chain)
            if gate is not None:
                found.append(finding(GATING, "warn", "clerk_component_gate", facts, call.node,
                                     hook=call.name, gate=gate.jsx.name,
                                     gate_at=where(gate.facts, gate.jsx.tag),
                                     component=component.name or ""))
                break
    return found or [finding(GATING, "pass", "no_clerk_gate", hooks=str(len(hooks)))]
