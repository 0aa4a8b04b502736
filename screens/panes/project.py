"""Step 1: what the wizard found in the project, each fact with its check."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content

from screens.host import display_path, home_prefix
from screens.panes.base import StepPane
from screens.widgets.checks import CheckList
from screens.widgets.safe_static import SafeStatic, styled


def _fact(name: str, value: str) -> Content:
    return styled("[b]$name[/]$value", name=f"{name:<16}", value=value)


class ProjectPane(StepPane):
    step_id = "project"

    def compose_body(self) -> ComposeResult:
        yield SafeStatic("", id="project-facts", classes="facts")
        yield SafeStatic("Checks", classes="section-title")
        yield CheckList(id="project-checks", shorten=home_prefix())

    def facts(self) -> list[Content]:
        session = self.walkthrough.session
        project = session.project
        if self.host.demo is not None:
            root = "a demo project in a temporary folder"
        else:
            root = display_path(str(project.root))
        lines = [_fact("Project", root + ("" if project.root_found else " (no package.json "
                                                "or convex/ found; using this folder)"))]
        lines.append(_fact(".env files", ", ".join(project.env.files_read) or "none found"))
        key = project.publishable_key
        if key is None:
            lines.append(_fact("Publishable key", "not found"))
        elif project.key is None:
            lines.append(_fact("Publishable key", f"invalid ({key.source})"))
        else:
            lines.append(_fact("Publishable key", f"{project.key.instance_type} instance, "
                               f"Frontend API {project.key.frontend_api} ({key.source})"))
        issuer = session.issuer
        if issuer is None:
            lines.append(_fact("Issuer", "not found"))
        else:
            derived = ", derived: not set anywhere yet" if issuer.derived else ""
            lines.append(_fact("Issuer", f"{issuer.shown} ({issuer.source}{derived})"))
        lines.append(_fact("Issuer variable", f"{project.issuer_var} (read by "
                           f"{project.auth_path})" if project.issuer_var_declared else
                           f"{project.issuer_var} (assumed: auth.config names none)"))
        lines.append(_fact("Application ID", f"{session.application_id.value} "
                           f"({session.application_id.source})"))
        auth = project.auth
        if not auth.exists:
            lines.append(_fact("auth.config", "no convex/auth.config.ts or .js"))
        else:
            lines.append(_fact("auth.config", f"{project.auth_path}, "
                               f"{len(auth.providers)} provider(s)"))
            for provider in auth.providers:
                domain = (f"process.env.{provider.domain_env}" if provider.domain_env
                          else provider.domain or provider.issuer or "(none)")
                lines.append(_fact("", f"  line {provider.line}: {provider.kind}, domain "
                                   f"{domain}, applicationID {provider.application_id}"))
            for provider in auth.commented_providers:
                lines.append(_fact("", f"  line {provider.line}: commented out"))
        version = project.convex_version
        lines.append(_fact("convex package", f"{version.value} ({version.source})"
                           if version else "not found in package.json or a lock file"))
        return lines

    def refresh_view(self) -> None:
        if not self.ready:
            return
        self.query_one("#project-facts", SafeStatic).update(Content("\n").join(self.facts()))
        self.query_one("#project-checks", CheckList).show(self.walkthrough.project_results)

