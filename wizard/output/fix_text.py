"""The words for what a fix does and why one is refused: one message per closed code of the
engine (:class:`wizard.fixes.FixReason`, :class:`wizard.fixes.Refusal`), filled with the
plan's own values (file, variable, value; never a secret)."""

from __future__ import annotations

from collections.abc import Mapping

from wizard.fixes import ApplyReport, FixPlan, FixReason, FixSet, Refusal
from wizard.guards.safe_text import json_text
from wizard.text.messages import N_, Message, _

REASONS: dict[FixReason, str] = {
    FixReason.ISSUER_ADDED: N_("Write {var}={value} into {file}"),
    FixReason.ISSUER_DERIVED: N_("Replace {var} in {file} by {value}, the issuer of the "
                                 "publishable key's instance"),
    FixReason.ISSUER_CLEANED: N_("Write {var} in {file} as {value} (no quotes, whitespace, "
                                 "path or trailing slash)"),
    FixReason.APP_ACCESSOR_REPLACED: N_("Read {name} through {expected} instead of {used} in "
                                        "{file}:{line}"),
    FixReason.APP_PROP_REMOVED: N_("Remove the prop {prop} from ConvexProviderWithClerk in "
                                   "{file}:{line}"),
    FixReason.APP_USE_CLIENT_ADDED: N_("Add \"use client\" as the first line of {file}"),
    FixReason.KEY_RENAMED: N_("Rename {key} to {to} in {path}"),
    FixReason.DOMAIN_REPLACED: N_("Set the domain at {path}:{line} to {value}"),
    FixReason.AUTH_CONFIG_CREATED: N_("Create {path} for the {for_path} path, reading "
                                      "process.env.{var}"),
    FixReason.AUTH_CONFIG_KEPT: N_("Keep {kept} and set {set_aside} aside (its bytes stay in "
                                   "the backup)"),
    FixReason.SECRET_MOVED: N_("Move the secret in {name} to the server-only name {to} in "
                               "{file}"),
    FixReason.SECRET_COPY_REMOVED: N_("Remove the browser-exposed copy {name} from {file}: {to} "
                                      "already holds the same secret"),
    FixReason.DEPLOYMENT_ENV_SET: N_("Set {var} to {value} on the {deployment} deployment"),
    FixReason.TEMPLATE_CREATED: N_("Create the JWT template {name} with Clerk's Convex preset "
                                   "(this request, nothing else is changed)"),
}

DERIVED = N_("the value is derived from {derived_from}, marked so in the file")
MUST_ROLL = N_("This secret was exposed to the browser: moving it is not enough. Roll it in "
               "Clerk Dashboard → API keys and put the new one under the server-only name.")
CHOICE = N_("Alternative {choice}: pass --keep {choice} to choose it")

REFUSALS: dict[Refusal, str] = {
    Refusal.OUTSIDE_PROJECT: N_("{path} resolves outside the project: it is not touched"),
    Refusal.NOT_REGULAR_FILE: N_("{path} is not a regular file: it is not touched"),
    Refusal.UNREADABLE: N_("{path} cannot be read {why}"),
    Refusal.READ_ONLY: N_("{path} is read-only: make it writable, then run fix again"),
    Refusal.READ_ONLY_FOLDER: N_("The folder of {path} is read-only: make it writable, then run "
                                 "fix again"),
    Refusal.NOT_UTF8: N_("{path} is not UTF-8 text: it is not edited"),
    Refusal.CHANGED_SINCE_PLAN: N_("{path} changed since the diff was made: nothing was "
                                   "written; run fix again to see the new diff"),
    Refusal.NEW_SECRET: N_("The change would write a secret into {path} that it did not hold: "
                           "refused"),
    Refusal.EDIT_NOT_VERIFIED: N_("The edited {path} would not read back as intended: refused"),
    Refusal.VALUE_NOT_WRITABLE: N_("The value cannot be written into {path} in a form every "
                                   "reader agrees on: edit it by hand"),
    Refusal.SET_IN_ENVIRONMENT: N_("{var} is set in the process environment, which wins over "
                                   "the files: change it where it is set"),
    Refusal.NO_PUBLISHABLE_KEY: N_("No publishable key to derive {var} from: add the key first"),
    Refusal.NO_CONVEX_FOLDER: N_("There is no convex/ folder to create {path} in"),
    Refusal.NOT_LOCATED: N_("What to change is not written where a fix can rewrite it: edit it "
                            "by hand"),
    Refusal.KEY_EXISTS: N_("{path} already has the key the fix would write"),
    Refusal.SERVER_NAME_TAKEN: N_("{to} already holds a different value in {file}: move {name} "
                                  "by hand"),
    Refusal.NO_CONVEX_CLI: N_("No Convex CLI in node_modules/.bin: install the convex package "
                              "to set {var} on the deployment"),
    Refusal.DEPLOYMENT_NOT_READ: N_("{var} could not be read from the deployment: nothing is "
                                    "set without knowing what is there"),
    Refusal.OFFLINE: N_("Offline: the command was not run"),
    Refusal.ONE_CHOICE_ONLY: N_("Only one alternative of a fix is applied: pass --keep to "
                                "choose"),
    Refusal.NOT_AGREED: N_("Not sent: the secret key is used only with --use-secret-key (or "
                           "your yes in the wizard)"),
    Refusal.COMMAND_FAILED: N_("The command failed"),
    Refusal.COMMAND_TIMED_OUT: N_("The command did not finish in time"),
    Refusal.COMMAND_NOT_STARTED: N_("The command could not be started"),
    Refusal.WRITE_FAILED: N_("{path} could not be written ({why}): it was left as it was"),
    Refusal.BACKUP_FAILED: N_("No backup of {path} could be kept ({why}): it was not changed"),
    Refusal.NO_RUN: N_("No fix was applied to this project: nothing to undo"),
    Refusal.ALREADY_UNDONE: N_("The last run of fix was already undone"),
    Refusal.MANIFEST_UNUSABLE: N_("The record of run {run} cannot be read: nothing was undone"),
    Refusal.CHANGED_SINCE_FIX: N_("{path} changed after the fix: nothing was undone, so that "
                                  "change is not lost"),
    Refusal.BACKUP_MISSING: N_("The backup of {path} is missing or damaged: nothing was undone"),
    Refusal.SECRET_GONE: N_("A secret {path} held is no longer in it, and backups never keep "
                            "secrets: nothing was undone. Put the secret back, then undo again"),
}


def describe(plan: FixPlan) -> list[Message]:
    """What ``plan`` does, then its notes (derived value, roll the secret, an alternative)."""
    lines = [Message(REASONS[plan.reason], **plan.values)]
    if "derived_from" in plan.values:
        lines.append(Message(DERIVED, derived_from=plan.values["derived_from"]))
    if plan.must_roll:
        lines.append(Message(MUST_ROLL))
    if plan.choice is not None:
        lines.append(Message(CHOICE, choice=plan.choice))
    return lines


def refusal(reason: Refusal, values: Mapping[str, str]) -> Message:
    why = values.get("why")
    return Message(REFUSALS[reason], **{**values, "why": f"({why})" if why else ""})


def _indented(text: str, indent: str = "  ") -> list[str]:
    return [indent + line for line in text.split("\n")]


def plan_lines(plan: FixPlan) -> list[str]:
    """What ``fix`` prints and the wizard's dialog shows for one plan: what it does, its
    notes, and its diff, command or request."""
    first, *notes = describe(plan)
    lines = [f"{plan.check_id}: {first.render()}"]
    lines += [line for note in notes for line in _indented(note.render())]
    lines += [line for edit in plan.edits for line in _indented(edit.diff.rstrip("\n"))]
    if plan.command is not None:
        lines += _indented("$ " + " ".join(plan.command.shown))
    if plan.remote is not None:
        lines += _indented(" ".join(plan.remote.shown))
        lines += _indented(json_text(dict(plan.remote.body)))
    return lines


def blocked_lines(fixes: FixSet) -> list[str]:
    if not fixes.blocked:
        return []
    return [_("Not fixable here:"), *(
        f"  {b.check_id}: {refusal(b.reason, b.values).render()}" for b in fixes.blocked)]


def report_lines(report: ApplyReport) -> list[str]:
    """What was applied, what was not and why, and where the backups are."""
    lines: list[str] = []
    for outcome in report.outcomes:
        check = outcome.plan.check_id
        if outcome.applied:
            lines.append(_("Applied {check}: {what}", check=check,
                           what=describe(outcome.plan)[0].render()))
        else:
            why = refusal(outcome.refusal, outcome.values).render() if outcome.refusal else ""
            lines.append(_("Not applied {check}: {why}", check=check, why=why))
        if outcome.command is not None and outcome.command.stderr:
            lines += _indented(outcome.command.stderr)
    if report.backups:
        lines.append(_("Backups (fix --undo puts them back):"))
        lines += [f"  {path} → {backup}" for path, backup in report.backups]
    return lines
