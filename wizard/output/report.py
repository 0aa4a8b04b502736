"""The setup report: what was checked, what was done and how, as Markdown or JSON.

``convex-auth-wizard report`` and the wizard's export key produce the same content from
:func:`build_report`. Everything in it is scrubbed of the project's secret values, of
anything shaped like a Clerk secret and of anything shaped like a JWT; the token appears
only as its decoded header and claims, never raw and never with its signature.

The JSON document (stable; fields are only ever added, and ``format`` changes if one is
removed or changes meaning)::

    {
      "format": "convex-auth-wizard-report/1",
      "tool": {"name": "convex-auth-wizard", "version": "0.1.0"},
      "generated_at": "2027-01-15T08:00:00Z",            # UTC, ISO 8601
      "summary": {
        "ok": false,            # every step done and no check failed
        "line": "Not verified yet: ...",                  # the one-line verdict
        "steps_total": 9, "steps_done": 3, "steps_verified": 1, "steps_confirmed": 2,
        "steps_failing": 1,
        "checks": {"pass": 7, "fail": 2, "warn": 1, "skip": 9}
      },
      "project": {"root": "/abs/app", "found": true,
                  "auth_config": "convex/auth.config.ts" | null,
                  "convex_version": {"value": "1.45.0", "source": "..."} | null},
      "publishable_key": {"instance_type": "development" | "production" | null,
                          "frontend_api": "x.clerk.accounts.dev" | null,
                          "source": ".env.local:VITE_CLERK_PUBLISHABLE_KEY",
                          "problem": null | "why it is invalid"} | null,
      "issuer": {"value": "https://x.clerk.accounts.dev", "source": "...",
                 "derived": false} | null,
      "application_id": {"value": "convex", "source": "...", "derived": false},
      "providers": [{"index": 0, "kind": "oidc" | "customJwt" | "...",
                     "domain": "https://..." | null, "domain_env": "NAME" | null,
                     "application_id": "convex" | null, "line": 5,
                     "commented_out": false}],
      "path": "template" | "integration" | null,          # how Clerk makes the token
      "progress_saved": true,   # false: no saved progress, every step shows pending
      "steps": [{"id": "project", "title": "Read the project", "guide": "—",
                 "state": "pending" | "verified" | "confirmed" | "failing",
                 "done_by": "verification" | "your word" | null,
                 "changed_at": "2027-01-15T08:00:00Z" | null, "note": ""}],
      "checks": [{"id": "env.issuer", "status": "pass" | "fail" | "warn" | "skip",
                  "title": "...", "detail": "...", "fix": "...", "step": "verify-config",
                  "origin": "live" | "saved"}],   # in catalog order. live: run for this
                  # report; saved: the wizard's last result of a check the report does not
                  # run itself (token.*, clerk.*, convex.deployed_providers,
                  # convex.accepts_token)
      "token": {"kind": "template" | "integration" | "session" | "other" | null,
                "header": {...}, "claims": {...}, "expires_in": 42 | null,
                "checked_at": "2027-01-15T08:00:00Z" | null} | null,
      "path_disagreement": "..." | null,   # the chosen path and that token's kind disagree
      "convex": {                  # Convex's own answer to the wizard's "Ask Convex"
        "status": "accepted" | "rejected" | "inconclusive" | "not_sent",
        "http_status": 401 | null, "code": "NoAuthProvider" | null,
        "message": "...",          # Convex's message, as it came back
        "asked_at": "2027-01-15T08:00:00Z" | null,
        "url": "https://name.convex.cloud",               # the deployment asked
        "agrees_with_wizard": true | false | null         # false: a rule differs
      } | null                     # null: Convex was not asked
    }
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard import __version__
from wizard.checks.catalog import CATALOG, position
from wizard.checks.model import LOOKS, Check, Status
from wizard.guards.files import FileRefused, read_regular_file, refuse_special, write_atomically
from wizard.guards.redaction import scrub, scrub_data
from wizard.guards.safe_text import MAX_DETAIL, bounded, clip, json_text, visible
from wizard.guards.state_dir import APP_NAME
from wizard.rules.jwt import AuthPath
from wizard.services.convex_probe import ProbeStatus
from wizard.text.durations import how_long
from wizard.text.messages import N_, Message, _
from wizard.text.steps import PATH_LABELS
from wizard.walkthrough.convex_support import path_disagreement
from wizard.walkthrough.progress import STATE_LOOKS, Progress, StepState
from wizard.walkthrough.state import StateStore
from wizard.walkthrough.steps import STEPS

if TYPE_CHECKING:
    from wizard.walkthrough.session import Session

REPORT_FORMAT = "convex-auth-wizard-report/1"
MARKER = "convex-auth-wizard-report/"
REPORT_NAME = "convex-auth-report.md"  # the wizard's export, in the project folder
_MAX_REPORT_NAMES = 99
"""Present in every report we write (the ``format`` field, or a Markdown comment), so an
old report can be replaced while any other file is left alone."""
_MARKER_SCAN_BYTES = 4 * 1024 * 1024
_DONE_BY = {StepState.VERIFIED: "verification", StepState.CONFIRMED: "your word"}
_TOKEN_KEYS = ("kind", "header", "claims", "expires_in")
_CHECK_FIELDS = ("id", "status", "title", "detail", "fix", "step")
# Shown beside Convex's message when it accepted the token: the message is its refusal of the
# probe's _system path, which it gives only after the token was accepted.
ACCEPTED_PROBE_NOTE = N_("this is Convex refusing the probe's system function after it accepted "
                       "the token; no user code ran")
_CONVEX_KEYS = ("status", "http_status", "code", "message", "url", "agrees_with_wizard")
_CONVEX_HEAD = {ProbeStatus.ACCEPTED: N_("✅ Convex accepted the token"),
                ProbeStatus.REJECTED: N_("❌ Convex rejected the token"),
                ProbeStatus.INCONCLUSIVE: N_("⚠️ Convex gave no verdict"),
                ProbeStatus.NOT_SENT: N_("➖ The token was not sent")}
_BY = {"verification": N_("by verification"), "your word": N_("by your word")}


def _status_icon(status: str) -> str:
    if status not in tuple(Status):
        return status
    look = LOOKS[Status(status)]
    return f"{look.markdown} {_(look.word)}"


def _state_label(state: str) -> str:
    return _(STATE_LOOKS[StepState(state)].markdown) if state in tuple(StepState) else state


def iso(at: float | None) -> str | None:
    if at is None:
        return None
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sourced(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"value": value.value, "source": value.source, "derived": value.derived}


def _checks(session: Session, progress: Progress | None) -> list[dict[str, str]]:
    """The checks run now, plus the wizard's saved results of those that need a token, the
    user's agreement or a deploy key (token.*, clerk.*, convex.*), in catalog order."""
    from wizard.checks.token_checks import not_given_checks

    path = progress.path if progress else None
    live: list[Check] = (session.project_checks() + session.config_checks(path)
                         + session.app_checks(path))
    rows = [dict(c.to_dict(), origin="live") for c in live]
    seen = {row["id"] for row in rows}
    saved = [c for c in (progress.checks if progress else [])
             if c.get("id") in CATALOG and c["id"] not in seen]
    rows += [dict({k: str(c.get(k, "")) for k in _CHECK_FIELDS}, origin="saved")
             for c in saved]
    if not any(c["id"].startswith("token.") for c in saved):
        rows += [dict(c.to_dict(), origin="live")
                 for c in not_given_checks(Message(N_("no token was checked in the wizard yet")))]
    return sorted(rows, key=lambda row: position(row["id"]))


def _steps(progress: Progress | None) -> list[dict[str, Any]]:
    rows = []
    for step in STEPS:
        entry = progress.steps.get(step.id) if progress else None
        state = entry.state if entry else StepState.PENDING
        rows.append({
            "id": step.id, "title": _(step.title), "guide": _(step.guide), "state": state.value,
            "done_by": _DONE_BY.get(state),
            "changed_at": iso(entry.changed_at) if entry else None,
            "note": entry.note if entry else "",
        })
    return rows


def _token(progress: Progress | None) -> dict[str, Any] | None:
    if progress is None or not isinstance(progress.token, dict):
        return None
    # Only the decoded parts are copied, whatever else a caller may have stored, and a saved
    # file can be edited: they are bounded again.
    token = {key: bounded(progress.token.get(key)) for key in _TOKEN_KEYS}
    entry = progress.steps.get("check-token")
    token["checked_at"] = iso(entry.changed_at) if entry else None
    return token


def _convex(progress: Progress | None) -> dict[str, Any] | None:
    """Convex's last answer as the wizard kept it: copied field by field, so nothing else a
    caller stored (let alone a token) can reach the report."""
    answer = progress.convex_answer if progress else None
    if not isinstance(answer, dict):
        return None
    convex = {key: answer.get(key) for key in _CONVEX_KEYS}
    if convex["status"] == "not sent":  # as 0.1 wrote it, before the status was a closed set
        convex["status"] = ProbeStatus.NOT_SENT.value
    when = answer.get("time")
    convex["asked_at"] = iso(float(when)) if isinstance(when, (int, float)) and when > 0 \
        else None
    return convex


def _summary(steps: list[dict[str, Any]], checks: list[dict[str, str]]) -> dict[str, Any]:
    states = Counter(step["state"] for step in steps)
    statuses = Counter(check["status"] for check in checks)
    done = states["verified"] + states["confirmed"]
    total = len(steps)
    ok = done == total and statuses["fail"] == 0
    steps_line = _("{done} of {total} steps done ({verified} by verification, {confirmed} by "
                   "your word)", done=done, total=total, verified=states["verified"],
                   confirmed=states["confirmed"])
    if states["failing"]:
        steps_line = _("{steps}, {count} failing", steps=steps_line, count=states["failing"])
    fails, warns = statuses["fail"], statuses["warn"]
    checks_line = (_("no check failed") if not fails else
                   _("1 check failed") if fails == 1 else _("{count} checks failed", count=fails))
    if warns:
        checks_line = (_("{checks}, 1 warning", checks=checks_line) if warns == 1 else
                       _("{checks}, {count} warnings", checks=checks_line, count=warns))
    line = (_("Setup verified: {steps}; {checks}", steps=steps_line, checks=checks_line) if ok
            else _("Not verified yet: {steps}; {checks}", steps=steps_line, checks=checks_line))
    first_fail = next((c for c in checks if c["status"] == "fail"), None)
    if first_fail is not None:
        line = _("{line}. First to fix: {id} ({detail})", line=line, id=first_fail["id"],
                 detail=first_fail["detail"])
    return {
        "ok": ok, "line": line, "steps_total": total, "steps_done": done,
        "steps_verified": states["verified"], "steps_confirmed": states["confirmed"],
        "steps_failing": states["failing"],
        "checks": {status: statuses[status] for status in ("pass", "fail", "warn", "skip")},
    }


def build_report(session: Session, progress: Progress | None, *,
                 generated_at: float | None = None) -> dict[str, Any]:
    """The report as data (the documented JSON shape), already scrubbed of secrets."""
    project = session.project
    key: dict[str, str | None] | None = None
    if session.public_key is not None:
        problem = session.public_key.problem
        key = {**session.public_key.to_json(), "problem": _(problem) if problem else None}
    providers = [{
        "index": p.index, "kind": p.kind, "domain": p.domain, "domain_env": p.domain_env,
        "application_id": p.application_id, "line": p.line, "commented_out": p.commented_out,
    } for p in (*project.auth.providers, *project.auth.commented_providers)]
    steps = _steps(progress)
    checks = _checks(session, progress)
    report: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "tool": {"name": APP_NAME, "version": __version__},
        "generated_at": iso(time.time() if generated_at is None else generated_at),
        "summary": _summary(steps, checks),
        "project": {
            "root": str(project.root), "found": project.root_found,
            "auth_config": project.auth_path if project.auth.exists else None,
            "convex_version": ({"value": project.convex_version.value,
                                "source": project.convex_version.source}
                               if project.convex_version else None),
        },
        "publishable_key": key,
        "issuer": ({"value": session.issuer.raw, "source": session.issuer.source,
                    "derived": session.issuer.derived} if session.issuer else None),
        "application_id": _sourced(session.application_id),
        "providers": providers,
        "path": progress.path.value if progress and progress.path else None,
        "progress_saved": progress is not None,
        "steps": steps,
        "checks": checks,
        "token": _token(progress),
        "path_disagreement": _path_disagreement(progress),
        "convex": _convex(progress),
    }
    scrubbed: dict[str, Any] = scrub_data(report, session.secrets())
    return scrubbed


def _path_disagreement(progress: Progress | None) -> str | None:
    """Said when the chosen path and the last verified token's kind disagree."""
    if progress is None or progress.token is None:
        return None
    found = path_disagreement(progress.path, progress.token.get("kind"))
    return found.render() if found is not None else None


# --- rendering ---------------------------------------------------------------------------


def render_json(report: dict[str, Any]) -> str:
    return json_text(report) + "\n"


# What a Markdown viewer would turn into a link by itself (GitHub's autolinks): shown as code,
# so it is never clickable. Its trailing punctuation stays outside, as GitHub does.
_LINKABLE = re.compile(r"(?:(?:https?|ftp)://|www\.|mailto:|xmpp:)[^\s`<>|\\()\[\]\"'*]*"
                       r"|[A-Za-z0-9.+_-]+@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+", re.I)
# Everything else that could make data a link, an image, HTML, code or emphasis, or end a cell.
_MARKDOWN_ESCAPES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "\\|", "\\": "\\\\", "`": "\\`",
    "*": "\\*", "[": "\\[", "]": "\\]", "~": "\\~",
})


class OwnMarkdown(str):
    """Markdown written in this module (never data), which :func:`md_cell` keeps as it is."""


def md_cell(value: object) -> str:
    """Data as Markdown text that shows exactly that data: control characters visible, no
    link, image, raw HTML or emphasis, no column break; line breaks kept as ``<br>``."""
    if isinstance(value, OwnMarkdown):
        return value
    text = value if isinstance(value, str) else json_text(value, indent=None)
    text = visible(clip(text.replace("\r\n", "\n"), MAX_DETAIL)).strip()
    parts, done = [], 0
    for match in _LINKABLE.finditer(text):
        link = match.group(0).rstrip(".,:;!?")
        if not link:
            continue
        parts += [text[done:match.start()].translate(_MARKDOWN_ESCAPES), f"`{link}`"]
        done = match.start() + len(link)
    parts.append(text[done:].translate(_MARKDOWN_ESCAPES))
    return "".join(parts).replace("\n", "<br>")


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _human_time(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") + " UTC" if stamp else "—"


def _from(item: dict[str, Any] | None) -> str:
    if item is None:
        return _("not found")
    if item.get("derived"):
        return _("{value} (from {source}, derived)", value=item["value"], source=item["source"])
    return _("{value} (from {source})", value=item["value"], source=item["source"])


def render_markdown(report: dict[str, Any]) -> str:
    summary = report["summary"]
    icon = "✅" if summary["ok"] else "❌"
    lines = [
        _("# Clerk + Convex setup report"), "",
        f"**{icon} {md_cell(summary['line'])}**", "",
        _("Generated {when} by {tool} {version}.", when=_human_time(report["generated_at"]),
          tool=report["tool"]["name"], version=report["tool"]["version"]), "",
        _("## Project"), "",
    ]
    key = report["publishable_key"]
    if key is None:
        key_text = _("not found")
    elif key["problem"]:
        key_text = _("invalid: {problem} (from {source})", problem=_(key["problem"]),
                     source=key["source"])
    else:
        key_text = _("{instance} instance, Frontend API {host} (from {source})",
                     instance=key["instance_type"], host=key["frontend_api"],
                     source=key["source"])
    project = report["project"]
    version = project["convex_version"]
    path = _(PATH_LABELS[report["path"]]) if report["path"] in tuple(AuthPath) else \
        _("not chosen yet")
    lines += _table((_("What"), _("Value")), [
        (_("Project"), project["root"] if project["found"] else _(
            "{root} (no package.json or convex/ found)", root=project["root"])),
        (_("Publishable key"), key_text),
        (_("Issuer"), _from(report["issuer"])),
        (_("Application ID"), _from(report["application_id"])),
        (_("Auth config"), project["auth_config"] or _("not found")),
        (_("convex package"), _("{version} (from {source})", version=version["value"],
                                source=version["source"]) if version else _("not found")),
        (_("Token made by"), path),
    ])
    lines += [_("## Auth config providers"), ""]
    if report["providers"]:
        lines += _table(("#", _("Type"), _("Domain"), _("Application ID"), _("Line")), [
            (_("commented out") if p["commented_out"] else p["index"] + 1, p["kind"],
             f"process.env.{p['domain_env']}" if p["domain_env"] else (p["domain"] or "—"),
             p["application_id"] or "—", p["line"])
            for p in report["providers"]])
    else:
        lines += [_("No provider found."), ""]
    lines += [_("## Steps"), ""]
    if not report["progress_saved"]:
        lines += [_("No saved progress: the wizard has not been run in this project yet."), ""]
    lines += _table((_("Step"), _("State"), _("How"), _("When"), _("Note")), [
        (f"{s['title']} ({s['guide']})" if s["guide"] != "—" else s["title"],
         _state_label(s["state"]), _(_BY[s["done_by"]]) if s["done_by"] in _BY else "—",
         _human_time(s["changed_at"]), s["note"] or "")
        for s in report["steps"]])
    lines += [_("## Checks"), ""]
    lines += _table((_("Status"), _("Check"), _("Step"), _("Detail"), _("Fix")), [
        (_status_icon(c["status"]),
         _("{id} (saved)", id=c["id"]) if c["origin"] == "saved" else c["id"], c["step"],
         c["detail"], c["fix"] or "")
        for c in report["checks"]])
    app = [c for c in report["checks"] if c["step"] == "app-code" and c["status"] in
           ("fail", "warn")]
    lines += [_("## The app's code"), ""]
    if app:
        lines += [f"- {_status_icon(c['status'])} **{md_cell(c['title'])}**: {md_cell(c['detail'])}"
                  f" {_('Fix:')} {md_cell(c['fix'])}" for c in app] + [""]
    else:
        lines += [_("The app's code was read (never run): no app.* check fails or warns."), ""]
    token = report["token"]
    lines += [_("## Last verified token"), ""]
    if token is None:
        lines += [_("No token verified yet."), ""]
    else:
        expires = token["expires_in"]
        left = ""
        if isinstance(expires, int) and expires >= 0:
            left = _(" ({left} before it expired)", left=how_long(expires))
        elif isinstance(expires, int):
            left = _(" ({ago} after it expired)", ago=how_long(expires))
        lines += [_("Kind: **{kind}**, checked {when}{left}. Decoded header and claims only; "
                    "the raw token and its signature are never stored.",
                    kind=md_cell(token["kind"] or _("unknown")),
                    when=_human_time(token["checked_at"]), left=left), ""]
        if report.get("path_disagreement"):
            lines += [_("**Not the path you chose:** {why}",
                        why=md_cell(report["path_disagreement"])), ""]
        lines += _table((_("Header"), _("Value")), sorted((k, v) for k, v in
                                                         (token["header"] or {}).items()))
        lines += _table((_("Claim"), _("Value")), sorted((k, v) for k, v in
                                                        (token["claims"] or {}).items()))
    lines += _convex_markdown(report.get("convex"))
    lines.append(f"<!-- {report['format']} -->")
    return visible("\n".join(lines) + "\n")


def _convex_markdown(convex: dict[str, Any] | None) -> list[str]:
    lines = [_("## Convex's answer"), ""]
    if convex is None:
        return [*lines, _("Convex was not asked (the wizard's Ask Convex action on the "
                          "check-token step sends the pasted token to the deployment)."), ""]
    status = convex["status"]
    head = (_(_CONVEX_HEAD[ProbeStatus(status)]) if status in tuple(ProbeStatus) else
            _("Convex: {status}", status=status))
    agrees = {True: _("yes"), False: OwnMarkdown(_(
        "**no**: a rule differs between Convex and the wizard, or the deployment's "
        "configuration differs from the local one")), None: "—"}
    lines += [f"**{md_cell(head)}** ({md_cell(convex['url'] or '?')}, "
              f"{_human_time(convex['asked_at'])}).", ""]
    http = convex["http_status"]
    lines += _table((_("What"), _("Value")), [
        (_("HTTP status"), http if http is not None else "—"),
        (_("Code"), convex["code"] or "—"),
        (_("Message"), (f"{convex['message']} ({_(ACCEPTED_PROBE_NOTE)})"
                        if convex["message"] and status == "accepted"
                        else convex["message"] or "—")),
        (_("Agrees with the wizard's checks"), agrees.get(convex["agrees_with_wizard"], "—")),
    ])
    return lines


# --- writing -----------------------------------------------------------------------------


def is_our_report(path: Path) -> bool:
    try:
        head = read_regular_file(path, _MARKER_SCAN_BYTES, head=True)
    except OSError:
        return False
    return MARKER.encode() in head


def write_report_file(path: Path, text: str, *, overwrite: bool) -> None:
    """Write atomically. An existing file is replaced only when it is a report we wrote, or
    when ``overwrite`` is true; otherwise FileExistsError. A path that is there and is not a
    regular file (a FIFO, a terminal, a device) is refused with FileRefused before anything
    opens it: opening one can block for ever, and replacing it is not what was asked. Other
    failures raise OSError."""
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    # A new file, or one in a missing folder (the write below reports that), is no refusal.
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        refuse_special(os.stat(path).st_mode)
    if os.path.lexists(path) and not overwrite and not is_our_report(path):
        raise FileExistsError(17, "exists and is not a report written by " + APP_NAME,
                              str(path))
    write_atomically(path, text.encode("utf-8"), 0o644)


def export_markdown(session: Session, progress: Progress | None, folder: Path, *,
                    generated_at: float | None = None) -> Path:
    """Write the Markdown report into ``folder`` as convex-auth-report.md, or -2, -3 … when a
    file that is not a report of ours has that name; return where it went. Raises OSError
    (FileExistsError when no free name is left)."""
    text = scrub(render_markdown(build_report(session, progress,
                                                   generated_at=generated_at)),
                      session.secrets())
    stem, suffix = REPORT_NAME.rsplit(".", 1)
    for attempt in range(1, _MAX_REPORT_NAMES + 1):
        target = folder / (REPORT_NAME if attempt == 1 else f"{stem}-{attempt}.{suffix}")
        try:
            write_report_file(target, text, overwrite=False)
        except (FileExistsError, FileRefused):
            continue
        return target
    raise FileExistsError(17, "no free report name", str(folder / REPORT_NAME))


def write_report_command(project_dir: Path | None, fmt: str, output: Path | None, *,
                         offline: bool = False) -> int:
    """``convex-auth-wizard report``: print or write the report; 0, or 1 when writing failed.
    ``offline``: no network call and no subprocess (the issuer checks say they were skipped)."""
    from wizard.checks.options import Options
    from wizard.walkthrough.session import load

    session = load(Options(project_dir=project_dir, environ=dict(os.environ), offline=offline))
    session.fetch()
    secrets = session.secrets()
    loaded = StateStore(session.project.root, secrets=secrets).load()
    if loaded.progress is None and loaded.notice:
        sys.stderr.write(f"{APP_NAME}: {loaded.notice}\n")
    report = build_report(session, loaded.progress)
    text = render_json(report) if fmt == "json" else render_markdown(report)
    text = scrub(text, secrets)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        write_report_file(output, text, overwrite=False)
    except FileExistsError:
        sys.stderr.write(f"{APP_NAME}: error: " + _(
            "{output} exists and is not a report written by {app}; remove it or choose another "
            "--output", output=output, app=APP_NAME) + "\n")
        return 1
    except FileRefused as exc:
        sys.stderr.write(f"{APP_NAME}: error: " + _(
            "--output {output} {why}; --output writes a regular file (leave it out to print "
            "the report, or redirect it)", output=output, why=exc) + "\n")
        return 2
    except OSError as exc:
        sys.stderr.write(f"{APP_NAME}: error: " + _("cannot write {output}: {why}",
                                                     output=output, why=exc.strerror or exc)
                         + "\n")
        return 1
    sys.stdout.write(_("Wrote the report to {output}", output=output) + "\n")
    return 0
