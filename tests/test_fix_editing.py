"""The editors under the fixes: one ``.env`` variable changed and not a byte more (whatever the
file's quoting, comments, line endings, BOM and trailing newline), exact tree-sitter ranges
in auth.config, and diffs as ``git diff`` writes them."""

from __future__ import annotations

import io

import pytest
from dotenv import dotenv_values
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.fixes.authtext import renamed_key, replaced_domain
from wizard.fixes.diff import NO_NEWLINE, unified_diff
from wizard.fixes.envtext import EnvText
from wizard.fixes.model import Refusal, Refused
from wizard.project.auth_config import object_pairs, parse_auth_config

NEW = "https://new-app-1.clerk.accounts.dev"


def values(data: bytes) -> dict[str, str | None]:
    return dotenv_values(stream=io.StringIO(data.decode("utf-8-sig")), interpolate=False)


@pytest.mark.parametrize(("before", "after"), [
    (b"A=1\r\nK=old\r\nB=2\r\n", f"A=1\r\nK={NEW}\r\nB=2\r\n"),
    (b"A=1\rK=old\rB=2", f"A=1\rK={NEW}\rB=2"),
    (b"\xef\xbb\xbfK=old\n", f"\ufeffK={NEW}\n"),
    (b"export K='old' # keep me\n", f"export K='{NEW}' # keep me\n"),
    (b"export\tK = \"old\"\n", f'export\tK = "{NEW}"\n'),
    (b"K=\"multi\nline\" # c\nB=2\n", f'K="{NEW}" # c\nB=2\n'),
    (b"K=old\nB=x\nK=last\n", f"K=old\nB=x\nK={NEW}\n"),
    (b"not a binding\nK=old\n", f"not a binding\nK={NEW}\n"),
    (b"'K'=old\n", f"'K'={NEW}\n"),
    (b"K\n", f"K={NEW}\n"),
    (b"A=1", f"A=1\nK={NEW}"),
    (b"A=1\r\n", f"A=1\r\nK={NEW}\r\n"),
    (b"", f"K={NEW}\n"),
], ids=["crlf", "cr", "bom", "export-single-comment", "export-tab-double", "multiline",
        "duplicates-last-wins", "garbage-kept", "quoted-key", "no-equals",
        "no-final-newline-kept", "append-crlf", "empty"])
def test_set_changes_only_the_variable(before: bytes, after: str) -> None:
    env = EnvText(before)
    env.set("K", NEW)
    assert env.data == after.encode()
    assert values(env.data)["K"] == NEW


def test_a_value_the_file_quoting_cannot_hold_is_written_another_way() -> None:
    for before, value, after in ((b"K='old'\n", "it's", b"K=it's\n"),
                                 (b'K="old"\n', "back\\slash", b"K=back\\slash\n"),
                                 (b"K='old'\n", "it's # x", b'K="it\'s # x"\n')):
        env = EnvText(before)
        env.set("K", value)
        assert (env.data, values(env.data)["K"]) == (after, value)
    with pytest.raises(Refused) as refused:
        EnvText(b"K=old\n").set("K", "two\nlines")
    with pytest.raises(Refused):
        EnvText(b"K=old\n").set("K", "$HOME")  # Next expands it, python-dotenv does not
    assert refused.value.reason is Refusal.VALUE_NOT_WRITABLE


def test_remove_and_rename_keep_everything_else() -> None:
    data = b"# top\r\n\r\nexport VITE_S='v' # c\r\nB=2"
    env = EnvText(data)
    env.rename("VITE_S", "S")
    assert env.data == b"# top\r\n\r\nexport S='v' # c\r\nB=2"
    env = EnvText(b"A=1\nK=2")
    env.remove("K")
    assert env.data == b"A=1"  # still no final newline
    with pytest.raises(Refused) as refused:
        EnvText(b"A=1\nB=2\n").rename("A", "B")
    assert refused.value.reason is Refusal.KEY_EXISTS


def test_text_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(Refused) as refused:
        EnvText(b"K=caf\xe9\n")
    assert refused.value.reason is Refusal.NOT_UTF8


_FRAGMENTS = ["A=1", "export A='x y' # c", "B=abc#def", "B=${A}", "# comment", "", "   ",
              "K=old", "K = 'old'  # note", 'export\tK="old"', "K", "K= # empty",
              "garbage line here", "'K'=quoted", "M=\"two\nlines\"", "C = spaced  "]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=8), st.sampled_from(["\n", "\r\n", "\r"]),
       st.booleans(), st.booleans(), st.sampled_from(["set", "rename", "remove"]))
def test_any_file_changes_in_the_lines_of_the_variable_only(
        fragments: list[str], end: str, final: bool, bom: bool, operation: str) -> None:
    text = end.join(fragments) + (end if final and fragments else "")
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    env = EnvText(data)
    old = env.values()
    try:
        if operation == "set":
            env.set("K", NEW, "derived")
        elif operation == "rename" and "K" in old:
            env.rename("K", "Z")
        elif "K" in old:
            env.remove("K")
    except Refused as refused:
        assert refused.reason in (Refusal.EDIT_NOT_VERIFIED, Refusal.VALUE_NOT_WRITABLE)
        return
    assert env.data.startswith(b"\xef\xbb\xbf") == bom
    got = values(env.data)
    expected = dict(old)
    if operation == "set":
        expected["K"] = NEW
    elif "K" in old:
        value = expected.pop("K")
        if operation == "rename":
            expected["Z"] = value
    assert got == expected
    untouched = [line for line in _lines(text.encode()) if b"K" not in line
                 and b"two" not in line and b"lines" not in line]
    kept = _lines(env.text.encode())
    for line in untouched[:-1]:  # the last line may gain the line ending a new line needs
        assert line in kept
    if operation != "remove":  # a removal may leave a blank line last: that is ambiguous
        ends = (b"\n", b"\r")
        assert env.data.endswith(ends) == data.endswith(ends) or not text


# --- auth.config: tree-sitter ranges ----------------------------------------------------------

def test_pairs_count_lines_as_the_parser_does_with_cr_only_endings() -> None:
    text = "export default {\r  providers: [\r    { domian: 'x', applicationID: 'c' },\r  ],\r};\r"
    [provider] = parse_auth_config(text).providers
    pairs = {p.key: p for p in object_pairs(text)}
    assert pairs["domian"].object_line == provider.line == 3
    assert pairs["domian"].meant == "domain"
    assert text.encode()[pairs["domian"].name_start:pairs["domian"].name_end] == b"domian"


def test_a_quoted_key_with_an_escape_is_renamed_as_a_whole() -> None:
    data = (b'export default { providers: [{ "applicationI\\u0064": "convex", '
            b'domain: "https://a.example.com" }] };\n')
    auth = parse_auth_config(data.decode())
    assert auth.providers[0].misspelled_keys == ("applicationId",)
    fixed, meant = renamed_key(data, auth, "applicationId")
    assert meant == "applicationID"
    assert fixed == data.replace(b'"applicationI\\u0064"', b"applicationID")


@pytest.mark.parametrize("quote", ["'", '"', "`"])
def test_a_domain_keeps_its_quotes(quote: str) -> None:
    data = f"export default {{ providers: [{{ domain: {quote}x.dev{quote}, applicationID: " \
           f"'convex' }}] }};\n".encode()
    auth = parse_auth_config(data.decode())
    fixed = replaced_domain(data, auth, auth.providers[0], NEW)
    assert fixed == data.replace(b"x.dev", NEW.encode())


def test_a_domain_from_a_spread_object_is_not_located() -> None:
    data = (b"const base = { domain: 'x.dev' };\n"
            b"export default { providers: [{ ...base, applicationID: 'convex' }] };\n")
    auth = parse_auth_config(data.decode())
    assert auth.providers[0].domain == "x.dev"
    with pytest.raises(Refused) as refused:
        replaced_domain(data, auth, auth.providers[0], NEW)
    assert refused.value.reason is Refusal.NOT_LOCATED


def test_object_pairs_of_an_oversized_text_is_empty() -> None:
    assert object_pairs("{ a: 1 }" + " " * (300 * 1024)) == ()


# --- diffs ------------------------------------------------------------------------------------

def test_diff_marks_a_last_line_without_newline_and_keeps_crlf() -> None:
    diff = unified_diff(".env.local", b"A=1\r\nB=2", b"A=1\r\nB=3")
    assert diff == ("--- a/.env.local\n+++ b/.env.local\n@@ -1,2 +1,2 @@\n A=1\r\n"
                    f"-B=2\n{NO_NEWLINE}+B=3\n{NO_NEWLINE}")


def test_diff_scrubs_known_secrets_and_secret_shapes() -> None:
    diff = unified_diff("x", b"A=hunter2hunter2\n", b"A=hunter2hunter2\nB=sk_live_abcdefghijklmnop\n",
                        ["hunter2hunter2"])
    assert "hunter2" not in diff and "abcdefghijkl" not in diff and "sk_live_…mnop" in diff
