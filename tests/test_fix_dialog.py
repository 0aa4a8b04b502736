"""The wizard's Apply: the pane posts a request, the dialog shows the same diff ``fix``
prints, only its yes button writes, and the next dialog undoes the run to the byte."""

from __future__ import annotations

from pathlib import Path

from screens.dialogs.apply_fixes import ApplyFixesDialog, FixesAppliedDialog
from screens.widgets.apply_button import ApplyFixesButton
from screens.widgets.safe_static import SafeStatic
from tests.conftest import SECRET_KEY
from tests.fix_support import READS_VAR, VAR, snapshot, write_project
from tests.ui_support import make_app, settle
from wizard.demo.local_issuer import LocalIssuer

SIZE = (120, 40)
MISSPELT = READS_VAR.replace(b"applicationID", b"applicationId")


def project(tmp_path: Path, issuer: LocalIssuer) -> Path:
    env = (f"VITE_CLERK_PUBLISHABLE_KEY={issuer.publishable_key}\n{VAR}={issuer.url}\n"
           f"CLERK_SECRET_KEY={SECRET_KEY}\n")
    return write_project(tmp_path / "app", {".env.local": env.encode(),
                                            "convex/auth.config.ts": MISSPELT})


def shown(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, SafeStatic).render())  # type: ignore[attr-defined]


async def test_apply_shows_the_diff_applies_on_yes_and_undoes(tmp_path: Path,
                                                               issuer: LocalIssuer) -> None:
    root = project(tmp_path, issuer)
    before = snapshot(root)
    state = tmp_path / "state"
    app = make_app(root, state)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("verify-config")
        await pilot.pause()
        button = app.query_one("#config-apply-fixes", ApplyFixesButton)
        assert button.display and button.check_ids == ("convex.auth_config",)
        button.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#config-apply-fixes")
        await pilot.pause()
        assert isinstance(app.screen, ApplyFixesDialog)
        diff = shown(app, "#fix-diff")
        assert '-      applicationId: "convex",' in diff and "+      applicationID" in diff
        await pilot.press("escape")  # no: nothing is written
        await pilot.pause()
        assert snapshot(root) == before and not state.joinpath("fixes").exists()

        button.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#config-apply-fixes")
        await pilot.pause()
        await pilot.click("#fix-apply")
        await settle(app, pilot)
        assert isinstance(app.screen, FixesAppliedDialog)
        assert (root / "convex/auth.config.ts").read_bytes() == READS_VAR
        assert "Applied convex.auth_config" in shown(app, "#fix-report")
        screen = app.export_screenshot()
        await pilot.click("#fix-undo")
        await settle(app, pilot)
        assert snapshot(root) == before
    assert SECRET_KEY not in screen
    for path in state.rglob("*"):
        if path.is_file() and path.parent.name != "files":
            assert SECRET_KEY.encode() not in path.read_bytes(), path


async def test_both_auth_configs_ask_which_to_keep(tmp_path: Path, issuer: LocalIssuer) -> None:
    root = project(tmp_path, issuer)
    (root / "convex/auth.config.ts").write_bytes(READS_VAR)
    js = READS_VAR.replace(b"import type { AuthConfig } from \"convex/server\";\n\n", b"") \
        .replace(b" satisfies AuthConfig", b"")
    (root / "convex/auth.config.js").write_bytes(js)
    before = snapshot(root)
    app = make_app(root, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("verify-config")
        await pilot.pause()
        button = app.query_one("#config-apply-fixes", ApplyFixesButton)
        button.scroll_visible(animate=False)
        await pilot.pause()
        await pilot.click("#config-apply-fixes")
        await pilot.pause()
        assert isinstance(app.screen, ApplyFixesDialog)
        assert not app.screen.query("#fix-apply")  # a choice is needed, not a plain yes
        await pilot.click("#fix-keep-js")
        await settle(app, pilot)
        assert isinstance(app.screen, FixesAppliedDialog)
        assert not (root / "convex/auth.config.ts").exists()
        assert (root / "convex/auth.config.js").read_bytes() == js
        await pilot.click("#fix-undo")
        await settle(app, pilot)
        assert snapshot(root) == before


async def test_the_apply_dialog_fits_80x24_in_the_questions_box(tmp_path: Path,
                                                                issuer: LocalIssuer) -> None:
    from textual.containers import VerticalScroll

    root = project(tmp_path, issuer)
    app = make_app(root, tmp_path / "state")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.go_to("verify-config")
        await pilot.pause()
        app.query_one("#config-apply-fixes", ApplyFixesButton).press()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ApplyFixesDialog)
        box = dialog.query_one(VerticalScroll)  # the outer box: bordered, as every question's
        assert box.styles.border_top[0] != "" and box.region.height <= 24
        screen = dialog.region
        for button_id in ("#fix-apply", "#fix-cancel"):
            assert screen.contains_region(dialog.query_one(button_id).region), button_id
        assert app.focused is dialog.query_one("#fix-cancel")
