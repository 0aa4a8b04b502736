"""The ``app.*`` checks: the app's own code, read by :mod:`wizard.appcode`, worded here.

The reader gives findings as data (a check id, a status, a reason from a closed set, a place
and values); each check becomes one row: its worst finding, with where the others are.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.checks.catalog import make
from wizard.checks.model import Check, Status
from wizard.rules.jwt import AuthPath
from wizard.text.messages import N_, Joined, Message

if TYPE_CHECKING:
    from wizard.appcode import AppCode, Finding

APP_CHECK_IDS: tuple[str, ...] = ("app.provider", "app.provider_props", "app.env_access",
                                  "app.server_token", "app.auth_gating", "app.convex_copies")

_STATUS = {"pass": Status.PASS, "fail": Status.FAIL, "warn": Status.WARN, "skip": Status.SKIP}
_SEVERITY = {"skip": 0, "pass": 1, "warn": 2, "fail": 3}
_MORE_LISTED = 3

# What each reason found, with the finding's values (and {where}: file:line).
DETAILS: Mapping[str, str] = {
    # app.provider
    "wired": N_("ConvexProviderWithClerk is inside ClerkProvider and gets Clerk's useAuth"),
    "custom_auth_provider": N_("Convex gets its auth through ConvexProviderWithAuth"),
    "token_fetcher_wired": N_("the Convex client's auth is set from Clerk"),
    "no_clerk": N_("no @clerk/* package among the dependencies"),
    "no_source": N_("no source file of the app was found (src/, app/, pages/, components/, "
                    "lib/, or a file importing convex/react or @clerk/*)"),
    "plain_convex_provider": N_("ConvexProvider is used while {clerk_packages} is a "
                                "dependency: Convex never receives Clerk's token"),
    "no_convex_provider": N_("no Convex provider found in {files_parsed} parsed file(s)"),
    "outside_clerk_provider": N_("ConvexProviderWithClerk is not inside ClerkProvider "
                                 "({clerk_providers})"),
    "nesting_unknown": N_("could not tell whether ConvexProviderWithClerk is inside "
                          "ClerkProvider ({clerk_providers})"),
    "no_clerk_provider": N_("ConvexProviderWithClerk is used, but no ClerkProvider was found"),
    "missing_use_auth": N_("ConvexProviderWithClerk has no useAuth prop"),
    "use_auth_not_a_hook": N_("useAuth={written} is not Clerk's useAuth hook"),
    "use_auth_called": N_("useAuth is given {written}, the hook's result, not the hook"),
    "use_auth_not_from_clerk": N_("useAuth ({written}) comes from {imported_from}, not from a "
                                  "Clerk package"),
    "use_auth_package_mismatch": N_("useAuth comes from {use_auth_package}, but ClerkProvider "
                                    "({clerk_provider_at}) from {clerk_provider_package}"),
    "use_auth_package_differs": N_("useAuth comes from {use_auth_package}, ClerkProvider "
                                   "({clerk_provider_at}) from {clerk_provider_package}"),
    "missing_use_client": N_("this Next.js file renders ConvexProviderWithClerk without "
                             "\"use client\""),
    "auth_never_set": N_("a Convex client ({clients}) is created, but its auth is never set "
                         "from Clerk"),
    "token_not_a_function": N_("{call} is given {written}: a token, not a function that "
                               "fetches one"),
    "wrong_template": N_("getToken asks for the template \"{template}\""),
    "template_missing": N_("getToken is called without the convex template on the "
                           "JWT-template path"),
    "template_not_needed": N_("getToken asks for the convex template while Clerk's Convex "
                              "integration is used"),
    # app.provider_props
    "known_props_only": N_("ConvexProviderWithClerk gets only props it has ({known_props}; "
                           "from {props_source})"),
    "not_react": N_("not a React app: there is no ConvexProviderWithClerk to check"),
    "no_convex_provider_with_clerk": N_("ConvexProviderWithClerk is not used"),
    "unknown_prop": N_("ConvexProviderWithClerk has no prop {prop} (its props: {known_props}; "
                       "from {props_source})"),
    "missing_prop": N_("ConvexProviderWithClerk is not given {prop}"),
    # app.env_access
    "read_correctly": N_("{names} read as {framework} expects"),
    "no_reads": N_("the code reads no Convex URL or publishable key variable"),
    "wrong_accessor": N_("{name} is read through {used}, but {framework} gives it to the "
                         "browser through {expected}"),
    "missing_prefix": N_("{name} lacks the {prefix} prefix {framework} needs to give it to the "
                         "browser"),
    "not_inlined": N_("{name} is read as {form}, which {framework} does not fill in at build "
                      "time"),
    "not_in_env_files": N_("the code reads {name}, which none of {files_read} sets"),
    "private_in_browser": N_("browser code reads {name} ({used}), a server-only variable"),
    # app.server_token
    "fresh_token": N_("server-side Convex calls ({calls}) get a fresh token from Clerk"),
    "no_server_calls": N_("no server-side Convex call (fetchQuery, preloadQuery, fetchMutation, "
                          "ConvexHttpClient)"),
    "no_token": N_("{call} is called without a token: it runs as no user"),
    "token_not_from_clerk": N_("{call} gets its token from {written}, not from Clerk's server "
                               "helper"),
    "browser_get_token": N_("{call} uses a getToken from browser code ({used_at})"),
    "shared_client_token": N_("{client}, created once at {created_at}, keeps one user's token "
                              "for every request"),
    # app.auth_gating
    "no_clerk_gate": N_("{hooks} Convex hook call(s), none gated by Clerk alone"),
    "no_convex_hooks": N_("no Convex query hooks found"),
    "clerk_component_gate": N_("{hook} in {component} runs under Clerk's {gate} ({gate_at})"),
    "clerk_hook_gate": N_("{hook} in {component} is gated by Clerk's {gate} ({gate_at})"),
    # app.convex_copies
    "one_copy": N_("one copy of convex: {copies}"),
    "not_installed": N_("convex is not installed in node_modules"),
    "several_copies": N_("{count} copies of convex are installed: {copies}"),
}


def app_checks(root: Path, path: AuthPath | None,
               environ: Mapping[str, str] | None = None) -> list[Check]:
    """Read the app's code under ``root`` and give one row per ``app.*`` check."""
    from wizard.appcode import read_app_code

    code = read_app_code(root, token_path=path.value if path is not None else None,
                         environ=environ)
    return [_row(check_id, code) for check_id in APP_CHECK_IDS]


def _where(finding: Finding) -> str:
    if finding.file is None:
        return ""
    return f"{finding.file}:{finding.line}" if finding.line is not None else finding.file


def _row(check_id: str, code: AppCode) -> Check:
    findings = code.for_check(check_id)
    if not findings:
        return make(check_id, Status.SKIP, Message(N_("no source file to read")))
    worst = max(findings, key=lambda f: _SEVERITY[f.status])
    values: dict[str, object] = {**worst.values, "where": _where(worst),
                                 "file": worst.file or ""}
    if values.get("props_source") == "default":
        values["props_source"] = Message(N_("the props convex documents"))
    parts: list[Message | Joined] = [Message(DETAILS[worst.reason], **values)]
    if _where(worst):
        parts.insert(0, Message(N_("{where}:"), where=_where(worst)))
    others = [_where(f) for f in findings
              if f is not worst and f.status == worst.status and _where(f)]
    if others:
        listed = ", ".join(others[:_MORE_LISTED]) + (", …" if len(others) > _MORE_LISTED else "")
        parts.append(Message(N_("(also at {places})"), places=listed))
    if worst.status in ("fail", "warn") and code.scan.parse_problems:
        files = ", ".join(p.file for p in code.scan.parse_problems[:_MORE_LISTED])
        parts.append(Message(N_("({count} file(s) did not parse cleanly and were judged by what "
                                "parsed: {files})"), count=len(code.scan.parse_problems),
                             files=files))
    status = _STATUS[worst.status]
    reason = worst.reason if status in (Status.FAIL, Status.WARN) else ""
    return make(check_id, status, Joined(tuple(parts)), reason, **values)
