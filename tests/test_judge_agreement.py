"""Two judges, one verdict: every rule case through the wizard and through the stand-in.

The stand-in deployment (:mod:`wizard.demo.local_convex`) judges with its own code
(:mod:`wizard.demo.local_judge`, joserfc, its own fetches) and never imports the wizard's rules;
the wizard judges the same token against the same providers and the same live local issuer.
Each case must get the same answer from both (status and error code), the same route (the
provider the token goes to), and the answer Convex's sources give (``Case.expect``).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import NOW, MakeProject
from tests.rule_cases import CUSTOM_CASES, CUSTOM_ISS, OIDC_CASES, Case, custom_template
from wizard.checks.options import Options
from wizard.demo.local_convex import LocalConvex, custom_jwt, oidc
from wizard.demo.local_issuer import LocalIssuer
from wizard.walkthrough.session import run_checks

DEMO = Path(__file__).resolve().parent.parent / "wizard" / "demo"
JUDGE_MODULES = ("local_judge.py", "local_convex.py")
PRODUCT_RULES = {"wizard.rules.convex", "wizard.checks.token_checks", "wizard.rules.jwt", "wizard.services.issuer_keys",
                 "wizard.walkthrough.session", "wizard.checks.routing", "wizard.services.http", "wizard.checks.catalog",
                 "wizard.checks.config_checks", "wizard.project.reader", "wizard.project.auth_config", "jwt"}


def auth_config(rows: list[dict[str, Any]]) -> str:
    written = []
    for row in rows:
        if row.get("type") == "customJwt":
            fields = {"type": "customJwt", "issuer": row["issuer"], "jwks": row["jwks"],
                      "algorithm": json.loads(row["algorithm"])}
            if row.get("applicationID") is not None:
                fields["applicationID"] = row["applicationID"]
        else:
            fields = {"domain": row["domain"], "applicationID": row["applicationID"]}
        written.append("    " + json.dumps(fields) + ",")
    return "export default {\n  providers: [\n" + "\n".join(written) + "\n  ],\n};\n"


@pytest.fixture
def deployment() -> Iterator[LocalConvex]:
    with LocalConvex() as server:
        server.clock = lambda: float(NOW)
        yield server


def both(make_project: MakeProject, issuer: LocalIssuer, deployment: LocalConvex,
         rows: list[dict[str, Any]], token: str, at: float = NOW) -> tuple[Any, Any]:
    """(the wizard's token verdict, the stand-in's judgement) for one token."""
    root = make_project(issuer.url, publishable_key=issuer.publishable_key,
                        auth_config=auth_config(rows))
    verdict = run_checks(Options(project_dir=root, at=at, environ={}), token).token
    deployment.providers = rows
    deployment.clock = lambda: float(at)
    answer = httpx.post(deployment.url + "/api/query", json={"path": "x:y", "args": {}},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert verdict is not None and deployment.judgements
    return verdict, (answer, deployment.judgements[-1])


def assert_agree(verdict: Any, standin: Any, case: Case) -> None:
    answer, judgement = standin
    ours = verdict.answer
    assert ours is not None, case.id
    code = answer.json().get("code", "") if answer.status_code != 200 else ""
    assert (judgement.status, judgement.code) == (answer.status_code, code)
    theirs = (answer.status_code, code)
    assert (ours.status, ours.code) == theirs, (case.id, ours.why, answer.text[:200])
    assert theirs == case.expect, (case.id, answer.text[:200])
    if judgement.position is not None and theirs[1] != "NoAuthProvider":
        assert verdict.route["matched"] and verdict.route["index"] == judgement.position, case.id
    else:
        assert not verdict.route["matched"], case.id
    if case.expect == (200, "") and verdict.kind is not None and not verdict.kind.reason:
        assert verdict.verified, case.id


@pytest.mark.parametrize("case", OIDC_CASES, ids=[c.id for c in OIDC_CASES])
def test_wizard_and_stand_in_agree_on_clerk_tokens(case: Case, make_project: MakeProject,
                                                   issuer: LocalIssuer,
                                                   deployment: LocalConvex) -> None:
    if case.setup is not None:
        case.setup(issuer)
    verdict, standin = both(make_project, issuer, deployment, [oidc(issuer.url)],
                            case.build(issuer), case.at)
    assert_agree(verdict, standin, case)


@pytest.mark.parametrize("case", CUSTOM_CASES, ids=[c.id for c in CUSTOM_CASES])
@pytest.mark.parametrize("jwks", ["url", "data"])
def test_wizard_and_stand_in_agree_on_custom_jwt_tokens(
        case: Case, jwks: str, make_project: MakeProject, issuer: LocalIssuer,
        deployment: LocalConvex) -> None:
    if case.setup is not None:
        case.setup(issuer)
    if jwks == "data" and case.setup is not None and "content-type" in case.id:
        pytest.skip("a data: URL has no Content-Type")
    location = issuer.custom_jwks_url if jwks == "url" else issuer.custom_jwks_data_url()
    algorithm = "ES256" if "es256" in case.tags else "RS256"
    rows = [custom_jwt(CUSTOM_ISS, location, None, algorithm)]
    verdict, standin = both(make_project, issuer, deployment, rows, case.build(issuer), case.at)
    assert_agree(verdict, standin, case)


MIXED = [("session-token-routes-to-custom-jwt", lambda i: i.mint(i.session_claims(NOW)),
          (200, ""), 0),
         ("oidc-matched-expired-3s-never-falls-through", lambda i: i.mint(
             i.template_claims(NOW - 63)), (401, "Unauthenticated"), 1)]


@pytest.mark.parametrize(("name", "build", "expect", "index"), MIXED, ids=[m[0] for m in MIXED])
def test_oidc_is_tried_first_and_a_matched_oidc_provider_never_falls_through(
        name: str, build: Any, expect: tuple[int, str], index: int, make_project: MakeProject,
        issuer: LocalIssuer, deployment: LocalConvex) -> None:
    # auth.config lists the customJwt provider first; Convex's order puts OIDC first.
    rows = [custom_jwt(issuer.url, issuer.custom_jwks_url, None, "RS256"), oidc(issuer.url)]
    case = Case(name, build, expect)
    verdict, standin = both(make_project, issuer, deployment, rows, build(issuer))
    assert_agree(verdict, standin, case)
    assert verdict.route["index"] == index
    assert verdict.route["type"] == ("customJwt" if index == 0 else "oidc")


def test_custom_jwt_case_builders_use_the_custom_issuer(issuer: LocalIssuer) -> None:
    assert custom_template(issuer)["iss"] == CUSTOM_ISS


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("module", JUDGE_MODULES)
def test_the_stand_in_judge_imports_none_of_the_wizard_rules(module: str) -> None:
    imported = _imports(DEMO / module)
    assert not imported & PRODUCT_RULES, imported & PRODUCT_RULES
    assert {m for m in imported if m.startswith("wizard.")} <= {
        "wizard.demo.local_judge", "wizard.demo.local_server"}
