"""One SVG snapshot per screen: frozen clock, home shown as ~, no blink. The issuer listens
on any free port; the picture shows it as ``SHOWN_PORT``, so a busy port never skips the suite.

Regenerate with ``pytest tests/test_ui_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, TextArea

from screens.app import WizardApp
from screens.dialogs.clerk_dialogs import CreateTemplateOffer, SecretKeyAgreement
from screens.dialogs.deploy_key_dialog import DeployKeyAgreement
from screens.dialogs.mint_dialogs import CreateSessionDialog, MintAgreementDialog
from screens.messages import PathChosen, TokenPasted
from screens.panes.check_token import CheckTokenPane
from screens.run import build_app
from tests.conftest import NOW, SECRET_KEY, WEBHOOK_SECRET, MakeProject
from wizard.checks.options import Options
from wizard.demo.local_issuer import LocalIssuer
from wizard.demo.project import MAIN_TSX
from wizard.rules.jwt import AuthPath

SHOWN_PORT = "48123"  # the port the stored SVGs show, whatever port the issuer got
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}  # the smallest supported terminal, and a roomy one
Snap = Callable[..., bool]


@pytest.fixture(scope="module")
def fixed_issuer() -> Iterator[LocalIssuer]:
    with LocalIssuer() as server:
        # Same width as SHOWN_PORT, so replacing it keeps every line as drawn.
        assert len(str(server.port)) == len(SHOWN_PORT), server.port
        yield server


def show_port(svg: str, issuer: LocalIssuer) -> str:
    """``127.0.0.1:<the real port>`` (``issuer.host``) drawn as ``127.0.0.1:SHOWN_PORT``."""
    address = issuer.host.rsplit(":", 1)[0]
    return svg.replace(issuer.host, f"{address}:{SHOWN_PORT}")


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    """Every picture is taken at 80×24 and at 120×40."""
    return SIZES[request.param]


@pytest.fixture
def snap_app(fixed_issuer: LocalIssuer, make_project: MakeProject, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> WizardApp:
    monkeypatch.setenv("HOME", str(tmp_path))
    root = make_project(fixed_issuer.url, publishable_key=fixed_issuer.publishable_key)
    # The app's code, with the guide's prop that never existed, for the app-code step.
    (root / "src").mkdir()
    (root / "src" / "main.tsx").write_text(MAIN_TSX.replace(
        "useAuth={useAuth}>", 'useAuth={useAuth} jwtTemplateName="convex">'))
    app = build_app(project_dir=root, state_dir=tmp_path / "state",
                    options=Options(project_dir=root, environ={}),
                    clock=lambda: float(NOW), browser=lambda url: False)
    export = app.export_screenshot

    def export_with_shown_port(*, title: str | None = None, simplify: bool = False) -> str:
        return show_port(export(title=title, simplify=simplify), fixed_issuer)

    monkeypatch.setattr(app, "export_screenshot", export_with_shown_port)
    return app


def go(step: str, then: Callable[[WizardApp], Any] | None = None) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, WizardApp)
        await app.workers.wait_for_complete()
        await pilot.pause()
        for widget in app.query(Input):
            widget.cursor_blink = False
        for area in app.query(TextArea):
            area.cursor_blink = False
        app.go_to(step)
        # A pane is built on its first visit: let it mount and lay out before acting on it.
        for _ in range(3):
            await pilot.pause(0.05)
        if then is not None:
            then(app)
            # Let re-mounted check rows and scrolling settle before the picture is taken.
            for _ in range(3):
                await pilot.pause(0.1)
                await pilot.wait_for_scheduled_animations()
        app.clear_notifications()
        await pilot.pause()

    return run_before


def token(issuer: LocalIssuer, **kwargs: Any) -> Callable[[WizardApp], None]:
    def paste(app: WizardApp) -> None:
        claims = issuer.template_claims(NOW, jti="0123456789abcdef0123", **kwargs)
        # Straight to the checks: a token, even a test one, must not end up in an SVG file.
        pane = app.pane("check-token")
        assert isinstance(pane, CheckTokenPane)
        app.post_message(TokenPasted(issuer.mint(claims)))

    return paste


@pytest.mark.parametrize("step", ["project", "open-dashboard", "create-template",
                                  "configure-claims", "save-template", "verify-config",
                                  "app-code", "check-clerk", "user-sync", "summary"])
def test_screen(step: str, snap_app: WizardApp, size: tuple[int, int],
                snap_compare: Snap) -> None:
    assert snap_compare(snap_app, terminal_size=size, run_before=go(step))


def test_check_token_verified(snap_app: WizardApp, fixed_issuer: LocalIssuer,
                              size: tuple[int, int], snap_compare: Snap) -> None:
    assert snap_compare(snap_app, terminal_size=size,
                        run_before=go("check-token", token(fixed_issuer)))


def test_check_token_failing(snap_app: WizardApp, fixed_issuer: LocalIssuer,
                             size: tuple[int, int], snap_compare: Snap) -> None:
    assert snap_compare(snap_app, terminal_size=size,
                        run_before=go("check-token", token(fixed_issuer, aud="other")))


def test_integration_path_chosen(snap_app: WizardApp, size: tuple[int, int],
                                 snap_compare: Snap) -> None:
    assert snap_compare(snap_app, terminal_size=size,
                        run_before=go("check-clerk",
                                      lambda app: app.post_message(PathChosen(AuthPath.INTEGRATION))))


def test_troubleshooting_diagnosis(snap_app: WizardApp, size: tuple[int, int],
                                  snap_compare: Snap) -> None:
    def paste(app: WizardApp) -> None:
        app.query_one("#log-line", Input).value = "No auth provider found matching the given token"

    assert snap_compare(snap_app, terminal_size=size, run_before=go("user-sync", paste))


def test_the_shown_port_replaces_only_the_issuer_port(fixed_issuer: LocalIssuer) -> None:
    port = fixed_issuer.port
    text = f"{fixed_issuer.url}/x 127.0.0.1:{port} {port}"
    assert show_port(text, fixed_issuer) == (f"http://127.0.0.1:{SHOWN_PORT}/x "
                                             f"127.0.0.1:{SHOWN_PORT} {port}")


def test_no_token_in_any_snapshot() -> None:
    folder = Path(__file__).parent / "__snapshots__" / "test_ui_snapshots"
    for svg in folder.glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert not re.search(r"eyJ[\w-]{8,}\.", text), svg.name
        assert SECRET_KEY not in text and WEBHOOK_SECRET not in text, svg.name


def test_help_dialog(snap_app: WizardApp, size: tuple[int, int], snap_compare: Snap) -> None:
    assert snap_compare(snap_app, terminal_size=size,
                        run_before=go("open-dashboard", lambda app: app.action_help()))


def test_step_rail_opened(snap_app: WizardApp, size: tuple[int, int], snap_compare: Snap) -> None:
    """``s``: at 80 columns the rail opens over the step; at 120 it folds to numbers."""
    assert snap_compare(snap_app, terminal_size=size,
                        run_before=go("verify-config", lambda app: app.action_steps()))


DIALOGS: dict[str, Callable[[], Screen[bool]]] = {
    "secret-key": lambda: SecretKeyAgreement(
        redacted="sk_test_…Q1b2", source=".env.local", api_url="https://api.clerk.com",
        api_source="the default", foreign=False),
    "create-template": lambda: CreateTemplateOffer(
        url="https://api.clerk.com/v1/jwt_templates", instance="quiet-ox-46",
        body={"name": "convex", "claims": {"aud": "convex", "name": "{{user.full_name}}",
                                            "email": "{{user.primary_email_address}}"},
              "lifetime": 60, "allowed_clock_skew": 5}),
    "deploy-key": lambda: DeployKeyAgreement(
        origin="https://happy-otter-123.convex.cloud",
        url="https://happy-otter-123.convex.cloud", url_source=".env.local:CONVEX_URL",
        key_source="the environment (CONVEX_DEPLOY_KEY)",
        why="the key names another deployment"),
    "mint": lambda: MintAgreementDialog(
        source=".env.local:CLERK_SECRET_KEY", redacted="sk_test_…Q1b2",
        calls=(("GET", "https://api.clerk.com/v1/users?order_by=-last_sign_in_at&limit=1"),
               ("GET", "https://api.clerk.com/v1/sessions?user_id={user_id}&status=active"),
               ("POST", "https://api.clerk.com/v1/sessions/{session_id}/tokens"),
               ("POST", "https://api.clerk.com/v1/sessions/{session_id}/tokens/convex"))),
    "create-session": lambda: CreateSessionDialog(
        calls=(("POST", "https://api.clerk.com/v1/sessions"),
               ("POST", "https://api.clerk.com/v1/sessions/{session_id}/revoke"))),
}


@pytest.mark.parametrize("dialog", list(DIALOGS))
def test_dialog(dialog: str, snap_app: WizardApp, size: tuple[int, int],
                snap_compare: Snap) -> None:
    """Every question fits: the buttons are visible and the safe one has the focus."""
    assert snap_compare(snap_app, terminal_size=size,
                        run_before=go("check-clerk",
                                      lambda app: app.push_screen(DIALOGS[dialog]())))
