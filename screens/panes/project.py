"""Step 1: what the wizard found in the project, each fact with its check."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content

from screens.host import display_path, home_prefix
from screens.panes.base import StepPane
from screens.widgets.apply_button import ApplyFixesButton
from screens.widgets.checks import CheckList
from screens.widgets.safe_static import SafeStatic, styled
from wizard.text.messages import _


def _fact(name: str, value: str) -> Content:
    return styled("[b]$name[/]$value", name=f"{name:<16}", value=value)


class ProjectPane(StepPane):
    step_id = "project"

    def compose_body(self) -> ComposeResult:
        yield SafeStatic("", id="project-facts", classes="facts")
        yield SafeStatic(_("Checks"), classes="section-title")
        yield CheckList(id="project-checks", shorten=home_prefix())
        yield ApplyFixesButton(id="project-apply-fixes")

    def facts(self) -> list[Content]:
        session = self.walkthrough.session
        project = session.project
        if self.host.demo is not None:
            root = _("a demo project in a temporary folder")
        elif project.root_found:
            root = display_path(str(project.root))
        else:
            root = _("{root} (no package.json or convex/ found; using this folder)",
                     root=display_path(str(project.root)))
        lines = [_fact(_("Project"), root)]
        lines.append(_fact(_(".env files"), ", ".join(project.env.files_read)
                           or _("none found")))
        key = session.public_key
        if key is None:
            lines.append(_fact(_("Publishable key"), _("not found")))
        elif key.host is None:
            lines.append(_fact(_("Publishable key"), _("invalid ({source})",
                                                       source=key.found.source)))
        else:
            lines.append(_fact(_("Publishable key"), _(
                "{instance} instance, Frontend API {host} ({source})",
                instance=key.instance_type, host=key.host, source=key.found.source)))
        issuer = session.issuer
        if issuer is None:
            lines.append(_fact(_("Issuer"), _("not found")))
        elif issuer.derived:
            lines.append(_fact(_("Issuer"), _("{issuer} ({source}, derived: not set anywhere "
                                              "yet)", issuer=issuer.shown,
                                              source=issuer.source)))
        else:
            lines.append(_fact(_("Issuer"), _("{issuer} ({source})", issuer=issuer.shown,
                                              source=issuer.source)))
        lines.append(_fact(_("Issuer variable"), _(
            "{var} (read by {path})", var=project.issuer_var, path=project.auth_path)
            if project.issuer_var_declared else
            _("{var} (assumed: auth.config names none)", var=project.issuer_var)))
        lines.append(_fact(_("Application ID"), _(
            "{app} ({source})", app=session.application_id.value,
            source=session.application_id.source)))
        auth = project.auth
        if not auth.exists:
            lines.append(_fact("auth.config", _("no convex/auth.config.ts or .js")))
        else:
            lines.append(_fact("auth.config", _("{path}, {count} provider(s)",
                                                path=project.auth_path,
                                                count=len(auth.providers))))
            for provider in auth.providers:
                domain = (f"process.env.{provider.domain_env}" if provider.domain_env
                          else provider.domain or provider.issuer or _("(none)"))
                lines.append(_fact("", _("  line {line}: {kind}, domain {domain}, "
                                         "applicationID {app}", line=provider.line,
                                         kind=provider.kind, domain=domain,
                                         app=provider.application_id)))
            for provider in auth.commented_providers:
                lines.append(_fact("", _("  line {line}: commented out", line=provider.line)))
        version = project.convex_version
        lines.append(_fact(_("convex package"), _(
            "{version} ({source})", version=version.value, source=version.source) if version
            else _("not found in package.json or a lock file")))
        return lines

    def refresh_view(self) -> None:
        if not self.ready:
            return
        self.query_one("#project-facts", SafeStatic).update(Content("\n").join(self.facts()))
        self.query_one("#project-checks", CheckList).show(self.walkthrough.project_results)
        self.query_one(ApplyFixesButton).show_for(self.walkthrough.project_results)

