"""convex/auth.config.ts / .js is read as text, never executed (research/convex_spec.md §1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.project.auth_config import AuthConfig, Provider, parse_auth_config, read_auth_config

CONVEX_DOCS = """\
import type { AuthConfig } from "convex/server";

export default {
  providers: [
    {
      // Replace with your own Clerk Issuer URL from your "convex" JWT template
      // or with `process.env.CLERK_JWT_ISSUER_DOMAIN`
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
  ]
} satisfies AuthConfig;
"""

CLERK_DOCS = """\
export default {
  providers: [
    {
      domain: process.env.CLERK_FRONTEND_API_URL,
      applicationID: 'convex',
    },
  ],
}
"""


def write(root: Path, text: str | bytes, name: str = "auth.config.ts") -> Path:
    path = root / "convex" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def only(config: AuthConfig) -> Provider:
    assert len(config.providers) == 1, config
    return config.providers[0]


def test_convex_docs_form(tmp_path: Path) -> None:
    path = write(tmp_path, CONVEX_DOCS)
    config = read_auth_config(tmp_path)
    assert config.path == path and config.exists and not config.both_present
    assert config.problems == ()
    assert config.display_path(tmp_path) == "convex/auth.config.ts"
    provider = only(config)
    assert provider.kind == "oidc"
    assert provider.domain is None
    assert provider.domain_env == "CLERK_JWT_ISSUER_DOMAIN"
    assert provider.application_id == "convex"
    assert provider.application_id_env is None
    assert provider.misspelled_keys == ()
    assert not provider.commented_out and not provider.env_fallback
    assert (provider.index, provider.line, provider.domain_line) == (0, 5, 8)
    # the backticked name inside the // comment is not a read
    assert config.env_names == ("CLERK_JWT_ISSUER_DOMAIN",)
    assert config.commented_providers == ()


def test_clerk_docs_form_in_js(tmp_path: Path) -> None:
    write(tmp_path, CLERK_DOCS, "auth.config.js")
    config = read_auth_config(tmp_path)
    assert config.display_path(tmp_path) == "convex/auth.config.js"
    provider = only(config)
    assert provider.domain_env == "CLERK_FRONTEND_API_URL"
    assert provider.application_id == "convex"
    assert provider.domain_line == 4


def test_literal_domain_keeps_its_slashes() -> None:
    config = parse_auth_config(
        'export default { providers: [ { domain: "https://verb-noun-00.clerk.accounts.dev/", '
        "applicationID: `convex` } ] };"
    )
    provider = only(config)
    assert provider.domain == "https://verb-noun-00.clerk.accounts.dev/"
    assert provider.domain_env is None
    assert provider.application_id == "convex"
    assert config.env_names == ()


def test_bracketed_env_read() -> None:
    provider = only(parse_auth_config(
        "export default { providers: [{ domain: process.env['CLERK_ISSUER'], "
        'applicationID: process.env["APP_ID"] }] }'
    ))
    assert provider.domain_env == "CLERK_ISSUER"
    assert provider.application_id is None
    assert provider.application_id_env == "APP_ID"


@pytest.mark.parametrize("op", ["??", "||"])
def test_fallback_is_flagged(op: str) -> None:
    config = parse_auth_config(
        "export default { providers: [{\n"
        f'  domain: process.env.CLERK_JWT_ISSUER_DOMAIN {op} "https://x.clerk.accounts.dev",\n'
        '  applicationID: "convex" }] }'
    )
    provider = only(config)
    assert provider.domain_env == "CLERK_JWT_ISSUER_DOMAIN"
    assert provider.domain is None
    assert provider.env_fallback


@pytest.mark.parametrize("key", ["applicationId", "applicationid"])
def test_application_id_misspelling(key: str) -> None:
    provider = only(parse_auth_config(
        f'export default {{ providers: [{{ domain: "https://a.dev", {key}: "convex" }}] }}'
    ))
    assert provider.misspelled_keys == (key,)
    assert provider.application_id is None


def test_domain_near_misses_are_misspellings() -> None:
    provider = only(parse_auth_config(
        'export default { providers: [{ domian: "https://a.dev", applicationID: "convex" }] }'
    ))
    assert provider.misspelled_keys == ("domian",)
    assert provider.domain is None and provider.domain_line is None


def test_custom_jwt_provider() -> None:
    config = parse_auth_config(
        "export default {\n  providers: [\n    {\n"
        '      type: "customJwt",\n'
        "      issuer: process.env.ISSUER!,\n"
        '      jwks: "https://issuer.example/.well-known/jwks.json",\n'
        '      algorithm: "RS256" as const,\n'
        "    },\n"
        '    { type: "saml", domain: "https://a.dev", applicationID: "x" },\n'
        "  ],\n} satisfies AuthConfig;\n"
    )
    custom, other = config.providers
    assert custom.kind == "customJwt"
    assert custom.issuer_env == "ISSUER" and custom.issuer is None
    assert custom.application_id is None and custom.domain is None
    assert custom.line == 3
    assert other.kind == "saml" and other.index == 1


def test_literal_issuer_and_template_env() -> None:
    config = parse_auth_config(
        'export default { providers: [{ type: "customJwt", issuer: "https://iss.example", '
        "jwks: `${process.env.JWKS_BASE}/jwks.json`, algorithm: 'ES256' }] }"
    )
    assert only(config).issuer == "https://iss.example"
    assert config.env_names == ("JWKS_BASE",)


def test_commented_out_providers() -> None:
    config = parse_auth_config("""\
export default {
  providers: [
    // {
    //   domain: "https://old.clerk.accounts.dev",
    //   applicationID: "convex",
    // },
    /*
     * { domain: process.env.STAGING_ISSUER, applicationId: "convex" }
     */
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN!,
      applicationID: "convex",
    },
  ],
};
""")
    assert only(config).index == 0
    line_comment, block_comment = config.commented_providers
    assert line_comment.commented_out and line_comment.index == -1
    assert line_comment.domain == "https://old.clerk.accounts.dev"
    assert (line_comment.line, line_comment.domain_line) == (3, 4)
    assert block_comment.domain_env == "STAGING_ISSUER"
    assert block_comment.misspelled_keys == ("applicationId",)
    assert block_comment.line == 8
    assert config.env_names == ("CLERK_JWT_ISSUER_DOMAIN",)


def test_every_provider_commented_out() -> None:
    config = parse_auth_config(
        "export default {\n  providers: [\n"
        '    // { domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: "convex" },\n'
        "  ],\n};\n"
    )
    assert config.providers == ()
    assert [p.domain_env for p in config.commented_providers] == ["CLERK_JWT_ISSUER_DOMAIN"]
    assert config.env_names == ()


def test_plain_comments_are_not_providers() -> None:
    config = parse_auth_config(CONVEX_DOCS.replace(
        "  providers", "  // see { the docs } for providers\n  providers"
    ))
    assert config.commented_providers == ()


def test_both_files_present(tmp_path: Path) -> None:
    ts = write(tmp_path, CONVEX_DOCS, "auth.config.ts")
    write(tmp_path, CLERK_DOCS, "auth.config.js")
    config = read_auth_config(tmp_path)
    assert config.both_present
    assert config.path == ts
    assert only(config).domain_env == "CLERK_JWT_ISSUER_DOMAIN"


def test_no_file(tmp_path: Path) -> None:
    (tmp_path / "convex").mkdir()
    config = read_auth_config(tmp_path)
    assert config == AuthConfig(None, exists=False, both_present=False)
    assert config.display_path(tmp_path) == "convex/auth.config.ts"


def test_named_const_then_default_export() -> None:
    config = parse_auth_config("""\
import { AuthConfig } from "convex/server";

const clerk = { domain: process.env.CLERK_JWT_ISSUER_DOMAIN!, applicationID: "convex" };

const authConfig: AuthConfig = {
  providers: [clerk, { domain: "https://second.example.com", applicationID: "b" }],
}

export default authConfig
""")
    first, second = config.providers
    assert (first.index, first.domain_env, first.line) == (0, "CLERK_JWT_ISSUER_DOMAIN", 3)
    assert (second.index, second.domain, second.application_id) == (
        1, "https://second.example.com", "b")
    assert config.problems == ()


def test_trailing_commas_everywhere() -> None:
    config = parse_auth_config(
        'export default { providers: [ { domain: "https://a.dev", applicationID: "convex", }, '
        '{ domain: "https://b.dev", applicationID: "convex", }, ], };'
    )
    assert [p.domain for p in config.providers] == ["https://a.dev", "https://b.dev"]
    assert [p.index for p in config.providers] == [0, 1]


def test_line_numbers_with_crlf_and_bom(tmp_path: Path) -> None:
    write(tmp_path, b"\xef\xbb\xbf" + CONVEX_DOCS.replace("\n", "\r\n").encode())
    provider = only(read_auth_config(tmp_path))
    assert (provider.line, provider.domain_line) == (5, 8)


def test_non_utf8_file(tmp_path: Path) -> None:
    write(tmp_path, b'export default { providers: [{ domain: "\xff" }] }\n')
    config = read_auth_config(tmp_path)
    assert config.exists and config.providers == ()
    assert len(config.problems) == 1
    assert config.problems[0].startswith("could not read file: not valid UTF-8")


def test_directory_named_like_the_file(tmp_path: Path) -> None:
    (tmp_path / "convex" / "auth.config.ts").mkdir(parents=True)
    config = read_auth_config(tmp_path)
    assert config.exists and config.providers == ()
    assert "is a directory" in config.problems[0]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, CONVEX_DOCS)
    path.chmod(0)
    try:
        config = read_auth_config(tmp_path)
    finally:
        path.chmod(0o644)
    assert config.problems[0].startswith("could not read file:")


@pytest.mark.parametrize(("source", "problem"), [
    ("const x = { providers: [] };", "no default export"),
    ("export default { provider: [] };", "no providers array found (found 'provider'"),
    ("export default { providers: getProviders() };", "providers is not an array literal"),
    ("export default makeConfig();", "the default export is not an object literal"),
    ("export default { providers: [ 42 ] };", "provider at index 0 is not an object literal"),
])
def test_structural_problems(source: str, problem: str) -> None:
    config = parse_auth_config(source)
    assert config.providers == ()
    assert any(p.startswith(problem) for p in config.problems), config.problems


def test_env_names_are_deduplicated_in_order() -> None:
    config = parse_auth_config(
        "const a = process.env.B ?? process.env.A;\n"
        "export default { providers: [{ domain: process.env.A!, applicationID: process.env.B }] }"
    )
    assert config.env_names == ("B", "A")


def test_spread_of_known_array_keeps_indexes() -> None:
    config = parse_auth_config(
        'const extra = [{ domain: "https://a.dev", applicationID: "x" }];\n'
        "export default { providers: [...extra, "
        '{ domain: "https://b.dev", applicationID: "y" }] } as const;'
    )
    assert [(p.index, p.domain) for p in config.providers] == [
        (0, "https://a.dev"), (1, "https://b.dev")]


PROVIDERS = '{ providers: [{ domain: process.env?.X, applicationID: "c" }] }'


@pytest.mark.parametrize("source", [
    f"let unused\nexport default {PROVIDERS}\nconst later = 1",
    f"const c = {PROVIDERS};\nexport {{ c as default }};",
    f"module.exports = {PROVIDERS}",
    f"export default ({PROVIDERS} satisfies AuthConfig);",
    "const base = { domain: process.env.X! };\n"
    'export default { providers: [{ ...base, applicationID: "c" }] }',
])
def test_other_export_forms(source: str) -> None:
    config = parse_auth_config(source)
    assert config.problems == ()
    provider = only(config)
    assert (provider.domain_env, provider.application_id) == ("X", "c")


def test_commented_custom_jwt_provider() -> None:
    config = parse_auth_config(
        "export default {\n  providers: [\n"
        '    /* { type: "customJwt", issuer: "https://i.example", jwks: "j" } */\n'
        "  ],\n}"
    )
    (provider,) = config.commented_providers
    assert (provider.kind, provider.issuer, provider.line) == ("customJwt", "https://i.example", 3)


JS_FRAGMENTS = [
    "export default ", "const c = ", "{", "}", "[", "]", "(", ")", ",", ":", ";", "\n", "//",
    "/*", "*/", "providers", "domain", "applicationID", "applicationId", "process.env.X",
    'process.env["Y"]', "!", "??", "satisfies AuthConfig", "as const", '"', "'", "`", "${",
    "...", '"https://a.dev"', "type", '"customJwt"', "\\", "c",
]


@settings(max_examples=200, deadline=None)
@given(st.text() | st.lists(st.sampled_from(JS_FRAGMENTS), max_size=60).map("".join))
def test_parse_never_raises(text: str) -> None:
    config = parse_auth_config(text)
    assert isinstance(config, AuthConfig)
    assert not any(p.startswith("internal parser error") for p in config.problems)


def test_a_missing_comma_never_lends_the_next_value() -> None:
    config = parse_auth_config(
        'export default { providers: [{ domain: process.env.X!\n applicationID: "convex" }] }')
    provider = only(config)
    assert (provider.domain, provider.domain_env, provider.application_id) == (None, "X", None)
    assert config.problems == ("line 1: syntax error",)


def test_garbage_after_the_export_does_not_hide_it() -> None:
    config = parse_auth_config(CLERK_DOCS + "\n@@@ }}}\n")
    assert only(config).domain_env == "CLERK_FRONTEND_API_URL"
    assert config.problems and config.problems[0].startswith("line 10: ")
