"""Plans for the environment matrix's deployment variables (``envs.*``, issue 18).

The matrix says what each deployment holds and what it should hold; a fix sets the issuer
variable with the project's own CLI: ``env set --prod`` for the production deployment, only
when the caller allows production (``fix --prod``), and ``env default set --type preview`` for
the project's default of new previews. The value is the instance's own Frontend API URL, read
from its publishable key; where no key names it the fix is blocked, never guessed. The CLI
that runs it gets only the deploy key of the deployment it changes
(:func:`wizard.environments.convex_cli.cli_environment`).
"""

from __future__ import annotations

import os

from wizard.environments.model import (
    DEV_ISSUER_PLACEHOLDER,
    PREVIEW_DEFAULT,
    PROD_DEPLOYMENT_ENV,
    PROD_ISSUER_PLACEHOLDER,
    Environment,
    Finding,
)
from wizard.fixes.model import CommandFix, FixPlan, FixReason, Refusal, Refused
from wizard.fixes.planner import PlanRequest, Workspace, register_family
from wizard.services.convex_cli import convex_cli

_PLACEHOLDERS = (PROD_ISSUER_PLACEHOLDER, DEV_ISSUER_PLACEHOLDER)


def _plan(ws: Workspace, finding: Finding, var: str) -> None:
    command = next((fix for fix in finding.fixes if fix.kind == "command"), None)
    if command is None:
        return
    value = command.argv[-1]
    if value in _PLACEHOLDERS:
        raise Refused(Refusal.NO_PUBLISHABLE_KEY, var=var)
    cli = convex_cli(ws.project.root)
    if cli is None:
        raise Refused(Refusal.NO_CONVEX_CLI, var=var)
    production = finding.environment is Environment.PRODUCTION
    ws.add(FixPlan(finding.check_id, FixReason.DEPLOYMENT_ENV_SET,
                   {"var": var, "value": value, "deployment": finding.environment.value},
                   command=CommandFix(cli.relative_to(ws.project.root).as_posix(), var, value,
                                      prod=production, preview_default=not production)))


@register_family(PROD_DEPLOYMENT_ENV, PREVIEW_DEFAULT)
def environment_plans(ws: Workspace, asked: PlanRequest) -> None:
    """Production is asked about, and changed, only when ``asked.prod``."""
    from wizard.environments import MatrixOptions, check_environments

    var = ws.project.issuer_var
    matrix = check_environments(ws.project.root, MatrixOptions(
        issuer_var=var, application_id=asked.application_id, production=asked.prod),
        os.environ)
    for finding in matrix.findings:
        if finding.failed and finding.check_id in (PROD_DEPLOYMENT_ENV, PREVIEW_DEFAULT):
            with ws.blocking(finding.check_id):
                _plan(ws, finding, var)
