"""``convex-auth-wizard fix``: the checks' failures that have a safe fix, shown as diffs and
commands, applied on ``--yes``, undone with ``--undo``.

Exit status (as ``ruff check --diff`` / ``--fix``): without ``--yes``, 1 when a fix would
change something, else 0; with ``--yes``, 0 when every fix was applied and the checks it was
for now pass, else 1; ``--undo``, 0 when the last run was undone, else 1.

The engine (:mod:`wizard.fixes`) sits beside the identity providers and never asks them;
what the provider's public key says reaches it here, from the session, as
:class:`wizard.fixes.KeyFacts`. Everything printed is scrubbed of the project's secrets.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any, TextIO

from wizard.checks.model import Check, Status
from wizard.checks.options import Options
from wizard.fixes import (
    FixPlan,
    FixReason,
    FixSet,
    KeyFacts,
    RemoteFix,
    UndoReport,
    apply_fixes,
    fixable_checks,
    plan_fixes,
    undo_last,
)
from wizard.guards.redaction import scrub, scrub_data
from wizard.guards.safe_text import json_text, visible, write_styled
from wizard.output.fix_text import (
    blocked_lines,
    describe,
    plan_lines,
    refusal,
    report_lines,
)
from wizard.records import record
from wizard.text.messages import N_, Message, _
from wizard.walkthrough.session import Session, Verdict, load, run_checks

EXIT_OK, EXIT_FAILED = 0, 1
KEEP_NEEDED = N_("Both auth configs exist: pass --keep ts or --keep js to choose which stays")


@record(frozen=True)
class FixRequest:
    """What ``fix`` was asked to do."""

    options: Options
    yes: bool = False
    only: Collection[str] | None = None
    prod: bool = False
    keep: str | None = None
    undo: bool = False
    json: bool = False
    state_dir: Path | None = None


@record
class _Out:
    """The command's output, scrubbed of ``secrets`` as it is written."""

    stream: TextIO
    secrets: Sequence[str] = field(default_factory=list)

    def line(self, text: str = "", indent: str = "") -> None:
        for part in visible(scrub(text, self.secrets)).split("\n"):
            self.stream.write(indent + part + "\n")


def key_facts(session: Session) -> KeyFacts:
    """What the session's identity provider knows that the engine needs."""
    key = session.public_key
    return KeyFacts(host=key.host if key else None, source=key.found.source if key else "",
                    development=bool(key and key.instance_type == "development"),
                    secrets=tuple(session.secrets()))


TEMPLATE_REASONS = ("missing", "near_miss", "optional")
"""Why the template check fails or warns when creating the template is its fix (as the
wizard's offer: any path but Clerk's Convex integration, which needs no template)."""


def template_plan(verdict_checks: Sequence[Check], session: Session) -> FixPlan | None:
    """Creating the provider's JWT template, when its check found none (the check ran only
    when the user agreed to use the secret key)."""
    provider = session.provider
    check = next((c for c in verdict_checks if c.id == provider.template_check), None)
    if check is None or (not check.failed and check.status is not Status.WARN) \
            or check.reason not in TEMPLATE_REASONS:
        return None
    url, body = provider.template_request(session)
    return FixPlan(check.id, FixReason.TEMPLATE_CREATED, {"url": url, "name": str(body["name"])},
                   remote=RemoteFix("POST", url, body))


def send_for(session: Session) -> Callable[[RemoteFix], str | None] | None:
    """What sends a provider's request: only when the user agreed to use its key."""
    if not session.options.use_secret_key:
        return None
    return lambda _request: session.provider.create_template(session)


def plan_for(session: Session, *, only: Collection[str] | None = None, prod: bool = False,
             keep: str | None = None, checks: Sequence[Check] = ()) -> FixSet:
    """The fixes of the session's project, as the wizard and ``fix`` both offer them;
    ``checks``: the verdict's, for the fixes made through the provider's API."""
    template = template_plan(checks, session)
    path = session.options.path.value if session.options.path else "integration"
    return plan_fixes(session.project, key=key_facts(session), deployment=session.deployment,
                      path=path, keep=keep, prod=prod,
                      application_id=session.application_id.value, only=only,
                      remote=() if template is None else (template,))


def unknown_checks(only: Collection[str]) -> list[str]:
    """The ids in ``only`` no fix exists for (a usage error)."""
    from wizard.providers.registry import DEFAULT_PROVIDER, provider_named

    known = (*fixable_checks(), provider_named(DEFAULT_PROVIDER).template_check)
    return [check for check in only if check not in known]


def _to_apply(fixes: FixSet, keep: str | None) -> tuple[list[FixPlan], list[FixPlan]]:
    """(plans to apply, alternatives left for want of ``--keep``)."""
    if keep is not None:
        return list(fixes.plans), []
    chosen = [p for p in fixes.plans if p.choice is None]
    return chosen, [p for p in fixes.plans if p.choice is not None]


def _plan_document(plan: FixPlan) -> dict[str, Any]:
    return {**plan.to_dict(), "says": [m.render() for m in describe(plan)]}


def _fixset_document(fixes: FixSet) -> dict[str, Any]:
    return {"plans": [_plan_document(p) for p in fixes.plans],
            "blocked": [{**b.to_dict(), "says": refusal(b.reason, b.values).render()}
                        for b in fixes.blocked]}


def _still_failing(verdict: Verdict, plans: Sequence[FixPlan]) -> list[str]:
    fixed = {p.check_id for p in plans}
    return [c.id for c in verdict.checks if c.id in fixed and c.status is Status.FAIL]


def _undo(request: FixRequest, session: Session, out: _Out) -> int:
    undone = undo_last(session.project.root, state_dir=request.state_dir)
    if request.json:
        out.stream.write(json_text(scrub_data({"ok": undone.ok, "undo": undone.to_dict()},
                                              out.secrets)) + "\n")
        return EXIT_OK if undone.ok else EXIT_FAILED
    _write_undo(out, undone)
    return EXIT_OK if undone.ok else EXIT_FAILED


def _write_undo(out: _Out, undone: UndoReport) -> None:
    if undone.refusal is not None:
        out.line(refusal(undone.refusal, {"run": undone.run_id or ""}).render())
    for path, reason in undone.refused:
        out.line(refusal(reason, {"path": path}).render())
    for path in undone.restored:
        out.line(_("Restored {path}", path=path))
    if undone.ok:
        out.line(_("Run {run} undone: {count} file(s) restored to their exact bytes",
                   run=undone.run_id, count=len(undone.restored)))
    for argv in undone.commands:
        out.line(_("Not undone (a deployment is not a file): {command}",
                   command=" ".join(argv)))


def run_fix(request: FixRequest, stream: TextIO | None = None) -> int:
    """``fix``: plan (and print) the fixes; apply them with ``yes``; or undo the last run."""
    out = _Out(stream or sys.stdout)
    if request.undo:
        session = load(request.options)
        out.secrets = session.secrets()
        return _undo(request, session, out)
    verdict = run_checks(request.options)
    session = verdict.session
    out.secrets = session.secrets()
    fixes = plan_for(session, only=request.only, prod=request.prod, keep=request.keep,
                     checks=verdict.checks)
    if not request.yes:
        return _dry_run(request, fixes, out)
    plans, unchosen = _to_apply(fixes, request.keep)
    report = apply_fixes(session.project.root, plans, offline=request.options.offline,
                         state_dir=request.state_dir, send=send_for(session))
    after = run_checks(request.options)
    failing = _still_failing(after, plans)
    ok = report.all_applied and not fixes.blocked and not unchosen and not failing
    if request.json:
        document = {"ok": ok, "fixes": _fixset_document(fixes), "applied": report.to_dict(),
                    "after": after.to_json()}
        out.stream.write(json_text(scrub_data(document, out.secrets)) + "\n")
        return EXIT_OK if ok else EXIT_FAILED
    for line in [*report_lines(report), *blocked_lines(fixes)]:
        out.line(line)
    if unchosen:
        out.line(Message(KEEP_NEEDED).render())
    out.line()
    out.line(_("Checks after the fixes:"))
    from wizard.output.render import render_human

    write_styled(out.stream, scrub(render_human(after, out.stream), out.secrets))
    return EXIT_OK if ok else EXIT_FAILED


def _dry_run(request: FixRequest, fixes: FixSet, out: _Out) -> int:
    status = EXIT_FAILED if fixes.plans else EXIT_OK
    if request.json:
        document = {"ok": not fixes.plans, "fixes": _fixset_document(fixes)}
        out.stream.write(json_text(scrub_data(document, out.secrets)) + "\n")
        return status
    for plan in fixes.plans:
        for line in plan_lines(plan):
            out.line(line)
        out.line()
    for line in blocked_lines(fixes):
        out.line(line)
    if fixes.plans:
        out.line(_("{count} fix(es) shown. Nothing was changed: run fix --yes to apply them.",
                   count=len(fixes.plans)))
    else:
        out.line(_("Nothing to fix: no failing check here has an automatic fix."))
    return status
