"""``project.root`` and ``env.secret_exposure``: the project's folder, and no secret in a
browser variable (the identity provider checks its own key)."""

from __future__ import annotations

from wizard.checks.catalog import make, passed
from wizard.checks.model import Check, Status
from wizard.guards.redaction import looks_secret
from wizard.project.envfiles import is_browser_exposed
from wizard.project.reader import Project
from wizard.text.messages import N_, Message


def project_checks(project: Project) -> list[Check]:
    checks: list[Check] = []
    where = str(project.root)
    if not project.root_found:
        checks.append(make("project.root", Status.WARN, Message(N_(
            "no package.json or convex/ at or above {where}; using it as the project"),
            where=where), "no_convex"))
    elif not project.has_convex_dir:
        checks.append(make("project.root", Status.WARN, Message(N_(
            "{where} has no convex/ folder"), where=where), "no_convex"))
    elif project.problems:
        problems = "; ".join(project.problems)
        checks.append(make("project.root", Status.WARN, Message(N_("{where}: {problems}"),
                                                                 where=where, problems=problems),
                           "unread_files", problems=problems))
    elif project.env.lines:
        lines = "; ".join(project.env.lines)
        checks.append(make("project.root", Status.WARN, Message(N_("{where}: {problems}"),
                                                                 where=where, problems=lines),
                           "env_lines", problems=lines))
    elif project.env.files_read:
        checks.append(passed("project.root", Message(N_("{where} (read {files})"), where=where,
                                                     files=", ".join(project.env.files_read))))
    else:
        checks.append(passed("project.root", Message(N_("{where} (read no .env files)"),
                                                     where=where)))
    checks.append(_secret_exposure_check(project))
    return checks


def _secret_exposure_check(project: Project) -> Check:
    exposed = sorted(
        {v.source for name, v in project.env.file_values.items()
         if is_browser_exposed(name) and looks_secret(v.value)})
    if exposed:
        names = ", ".join(exposed)
        # A secret key pasted where the publishable key goes: the variable itself is needed,
        # so its value is to be replaced, not the line removed.
        in_key_slot = all(source.endswith("PUBLISHABLE_KEY") for source in exposed)
        return make("env.secret_exposure", Status.FAIL, Message(
            N_("a secret value sits in a browser-exposed variable: {names}"), names=names),
            "in_key_slot" if in_key_slot else "exposed", names=names)
    return passed("env.secret_exposure", Message(N_(
        "no sk_/whsec_ value in a VITE_, NEXT_PUBLIC_, EXPO_PUBLIC_, PUBLIC_ or REACT_APP_ "
        "variable")))
