"""``convex-auth-wizard``: the wizard, and the headless ``check``, ``report``, ``demo``, ``reset``.

Heavy modules (Textual, the UI) are imported only on the interactive paths, so ``check`` and
``report`` start fast. Whatever a command prints goes through a guarded stdout and stderr
(``wizard.guards.safe_text``): no control character from data reaches the terminal, and a usage error
never repeats a token or a key that was typed.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from wizard import __version__
from wizard.guards.files import FileRefused, read_regular_file, refuse_special, why_unread
from wizard.guards.redaction import scrub_usage
from wizard.guards.safe_text import guarded_output, json_text, one_line
from wizard.output.completion import SHELLS, answer_completion, completion_script
from wizard.text.language import choose_language
from wizard.text.messages import LOCALE_DIR, N_, _, available_languages

if TYPE_CHECKING:
    from wizard.rules.jwt import DecodedToken
    from wizard.services.keys import Destinations

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PROG = "convex-auth-wizard"
_MAX_TOKEN_INPUT = 1024 * 1024  # far above any JWT; token.format reports the size


class UsageError(Exception):
    """A mistake in how the command was called: exit status 2, one line on stderr."""


_LANG_HELP = N_("the language of everything shown: bn (Bengali) or en (English); default: "
                "$CONVEX_AUTH_WIZARD_LANG, else the language chosen in the wizard, else the "
                "locale (LC_ALL, LC_MESSAGES, LANG), else English. JSON keys, check ids and "
                "statuses stay English; \"lang\" names the language of the texts")
_ARGPARSE_WORDS = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """Every parser, the main one and each subcommand's (``add_subparsers`` makes them with
    this class), takes ``--lang``: a new command has it without a line of its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # SUPPRESS: a subcommand without --lang must not overwrite one given before it.
        self.add_argument("--lang", choices=available_languages(), default=argparse.SUPPRESS,
                          help=_(_LANG_HELP))

    def error(self, message: str) -> NoReturn:
        raise UsageError(_("{message} (see {prog} --help)", message=message, prog=self.prog))


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a number: {text!r}", text=text)) from None
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(_("must be positive: {text!r}", text=text))
    return value


def _unix_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= 253_402_300_799:
        raise argparse.ArgumentTypeError(_("not Unix seconds: {text!r}", text=text))
    return value


def _deployment_url(text: str) -> str:
    from wizard.project.deployment_url import clean_url
    from wizard.services.keys import url_problem

    url = clean_url(text)
    problem = url_problem(url)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return url


def _clerk_api_url(text: str) -> str:
    from wizard.providers.clerk.api import resolve_api_url

    _base, problem = resolve_api_url(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem.message)
    return text.strip().rstrip("/")


_PROJECT_HELP = N_("the app folder (default: the nearest folder with package.json or convex/)")
_DEPLOYMENT_URL_HELP = (N_("the Convex deployment to ask (default: the project's CONVEX_URL, "
                        "VITE_CONVEX_URL … or CONVEX_DEPLOYMENT); naming it here is what lets "
                        "a deploy key go to a host other than the deployment the key names"))
_CLERK_API_URL_HELP = (N_("Clerk's Backend API root (default https://api.clerk.com); naming it "
                       "here is the only way the secret key goes anywhere else (a "
                       "CLERK_API_URL in the environment or a .env file never is)"))


def _add_destinations(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    # A subcommand's own dest, as for --project: its default would overwrite the main one.
    parser.add_argument("--deployment-url", type=_deployment_url, metavar="URL",
                        dest=prefix + "deployment_url", help=_(_DEPLOYMENT_URL_HELP))
    parser.add_argument("--clerk-api-url", type=_clerk_api_url, metavar="URL",
                        dest=prefix + "clerk_api_url", help=_(_CLERK_API_URL_HELP))


def _destinations(args: argparse.Namespace) -> Destinations:
    from wizard.services.keys import Destinations

    return Destinations(
        deployment_url=getattr(args, "sub_deployment_url", None) or args.deployment_url,
        clerk_api_url=getattr(args, "sub_clerk_api_url", None) or args.clerk_api_url)


def _add_key_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """Where the issuer and its keys come from: the same options for ``check`` and the wizard
    (``prefix`` keeps the wizard's apart from the subcommand's in the parsed arguments)."""
    parser.add_argument("--issuer", metavar="URL", dest=f"{prefix}issuer",
                        help=_("the issuer to check against"))
    parser.add_argument("--application-id", metavar="ID", dest=f"{prefix}application_id",
                        help=_("the expected aud (default: auth.config's applicationID, "
                               "else convex)"))
    parser.add_argument("--jwks", type=Path, metavar="FILE", dest=f"{prefix}jwks",
                        help=_("use this key set instead of fetching (skips discovery)"))
    parser.add_argument("--offline", action="store_true", dest=f"{prefix}offline",
                        help=_("no network call and no subprocess"))


def _jwks_file(path: Path | None) -> Path | None:
    """``--jwks FILE``, refused here when it cannot be read as a file."""
    if path is not None:
        try:
            refuse_special(os.stat(path).st_mode)
        except OSError as exc:
            raise UsageError(_unread_option_file("--jwks", path, exc)) from None
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description=_("Get a Clerk + Convex auth setup verified end to "
                     "end: reads your project, fetches the issuer's live keys and judges a "
                     "token exactly as the Convex backend would."))
    parser.add_argument("-V", "--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--no-color", action="store_true",
                        help=_("no colours (as when NO_COLOR is set)"))
    parser.add_argument("--project", type=Path, metavar="DIR", help=_(_PROJECT_HELP))
    parser.add_argument("--restart", action="store_true",
                        help=_("start the wizard over (the old progress is kept as a backup)"))
    _add_destinations(parser)
    _add_key_options(parser, prefix="wizard_")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser(
        "check", help=_("run every check headless (for scripts and CI)"),
        description=_("Read the project, fetch the issuer's discovery document and keys, and "
        "judge a token by the rules the Convex backend applies."),
        epilog=_("exit status: 0 nothing failed (and the token, if given, was fully verified); "
        "1 a check failed (network failures included); 2 usage error. Keys go only where "
        "they belong: the Clerk secret key to https://api.clerk.com, a deploy key to the "
        "deployment it names; another host only with --clerk-api-url / --deployment-url. "
        "Example: pbpaste | convex-auth-wizard check --token -"))
    check.add_argument("--project", type=Path, metavar="DIR", dest="sub_project",
                       help=_(_PROJECT_HELP))
    group = check.add_mutually_exclusive_group()
    group.add_argument("--token", metavar="T", help=_("the token to verify ('-' reads stdin)"))
    group.add_argument("--token-file", type=Path, metavar="F", help=_("read the token from F"))
    group.add_argument("--from-browser", action="store_true",
                       help=_("receive both tokens from the app's page in your browser (a "
                       "one-time receiver on 127.0.0.1 and a console snippet)"))
    group.add_argument("--mint", action="store_true",
                       help=_("with --use-secret-key: mint both tokens of the most recent "
                       "active session through Clerk's Backend API"))
    check.add_argument("--wait", type=_positive_float, default=120.0, metavar="SECONDS",
                       help=_("how long --from-browser waits (default 120)"))
    check.add_argument("--origin", action="append", default=[], metavar="URL",
                       help=_("the app page's origin allowed to send (default: pages on this "
                       "machine)"))
    check.add_argument("--session-id", metavar="ID", help=_("--mint: mint for this session"))
    check.add_argument("--create-session", action="store_true",
                       help=_("--mint with no active session, development instances only: "
                       "create a session, mint, and revoke it at once"))
    _add_key_options(check)
    check.add_argument("--at", type=_unix_seconds, metavar="UNIX_SECONDS",
                       help=_("evaluate time-based rules at this instant"))
    check.add_argument("--timeout", type=_positive_float, default=10.0, metavar="SECONDS",
                       help=_("deadline for each whole request: connecting, the answer and "
                       "every redirect (default 10)"))
    check.add_argument("--ask-convex", action="store_true",
                       help=_("also send the token to the project's Convex deployment and report "
                       "whether it accepts it; without it the token is never sent"))
    check.add_argument("--deploy-key-env", metavar="NAME",
                       help=_("the variable holding the Convex deploy key (default "
                       "CONVEX_DEPLOY_KEY); the key is used to list the deployed auth "
                       "providers and is never shown"))
    check.add_argument("--prod", action="store_true",
                       help=_("also ask the production deployment (its issuer variable and what it has "
                       "deployed); its deploy key goes only to it"))
    check.add_argument("--json", action="store_true", help=_("print one JSON document"))
    check.add_argument("--use-secret-key", action="store_true",
                       help=_("read the Clerk instance (domains, JWT templates) with "
                       "CLERK_SECRET_KEY from the .env files; without it nothing is sent"))
    _add_destinations(check, prefix="sub_")

    report = sub.add_parser(
        "report", help=_("write the setup report (Markdown or JSON)"),
        description=_("Write what the wizard knows about the project's auth setup: every "
                      "check, each step's state and what to change. No token, signature or "
                      "secret is ever written."))
    report.add_argument("--project", type=Path, metavar="DIR", dest="sub_project",
                        help=_(_PROJECT_HELP))
    report.add_argument("--format", choices=("md", "json"), default="md")
    report.add_argument("--output", type=Path, metavar="FILE",
                        help=_("write to FILE instead of standard output"))
    report.add_argument("--offline", action="store_true",
                        help=_("no network call and no subprocess: the issuer is not fetched "
                        "and npx convex env get is not run (the report says so)"))

    fix = sub.add_parser(
        "fix", help=_("show the fixes for failed checks as diffs; apply them with --yes"),
        description=_("Show the change each failed check needs, as a diff, a command or a "
                      "request; with --yes apply them, keeping backups; --undo puts them back."),
        epilog=_("exit status: without --yes, 1 when a fix would change something, else 0; "
        "with --yes, 0 when every fix was applied and its check passes, else 1; with --undo, "
        "0 when the last run was undone; 2 usage error. Backups of every changed file are "
        "kept beside the saved progress, never in the project."))
    fix.add_argument("--project", type=Path, metavar="DIR", dest="sub_project",
                     help=_(_PROJECT_HELP))
    fix.add_argument("--yes", action="store_true", help=_("apply the fixes shown"))
    fix.add_argument("--only", nargs="+", action="extend", metavar="CHECK_ID",
                     help=_("fix only these checks"))
    fix.add_argument("--prod", action="store_true",
                     help=_("set the issuer variable on the production deployment"))
    fix.add_argument("--keep", choices=("ts", "js"),
                     help=_("with both auth configs: the one to keep"))
    fix.add_argument("--undo", action="store_true",
                     help=_("restore the exact bytes of the files the last fix --yes changed"))
    fix.add_argument("--offline", action="store_true",
                     help=_("no network call and no subprocess (no deployment fix)"))
    fix.add_argument("--json", action="store_true", help=_("print one JSON document"))
    fix.add_argument("--use-secret-key", action="store_true",
                     help=_("read the Clerk instance with CLERK_SECRET_KEY and offer to create "
                     "the JWT template convex; without it nothing is sent"))
    _add_destinations(fix, prefix="sub_")

    sub.add_parser("demo", help=_("the wizard on a built-in local issuer and a demo project"),
                   description=_("Open the wizard on a demo project with a local issuer, "
                                 "deployment and Clerk API, all on this machine and all gone "
                                 "when it quits: the whole flow, no Clerk account needed."))
    completion = sub.add_parser(
        "completion", help=_("print the shell completion script (bash, zsh or fish)"),
        description=_("Print the script that makes the shell complete this program's "
                      "commands and options."),
        epilog=_('setup, once: bash: eval "$(convex-auth-wizard completion bash)" in '
                 '~/.bashrc; zsh: the same with zsh in ~/.zshrc; fish: convex-auth-wizard '
                 'completion fish | source in ~/.config/fish/config.fish'))
    completion.add_argument("shell", choices=SHELLS)
    reset = sub.add_parser("reset", help=_("forget saved progress for a project"),
                           description=_("Forget the wizard's saved progress for a project."))
    reset.add_argument("--project", type=Path, metavar="DIR", dest="sub_project",
                       help=_(_PROJECT_HELP))
    for command in sub.choices.values():  # also after the command: check --no-color
        command.add_argument("--no-color", action="store_true", default=argparse.SUPPRESS,
                             help=_("no colours (as when NO_COLOR is set)"))
    return parser


def _project_dir(args: argparse.Namespace) -> Path | None:
    chosen: Path | None = getattr(args, "sub_project", None) or args.project
    if chosen is not None and not chosen.is_dir():
        if chosen.exists():
            raise UsageError(_("--project {folder}: this is a file, not a folder; give the "
                               "app's folder (the one with package.json and convex/)",
                               folder=chosen))
        raise UsageError(_("--project {folder}: no such folder", folder=chosen))
    return chosen


def _unread_option_file(option: str, path: Path, exc: OSError) -> str:
    return f"{option} {path} {why_unread(exc)}"


def read_token_argument(args: argparse.Namespace) -> DecodedToken | None:
    """The token from ``--token``, ``--token-file`` or stdin, read once (SPEC §2)."""
    from wizard.rules.jwt import read_paste

    if args.token_file is not None:
        try:  # the cap as for stdin: token.format reports a token that fills it
            raw = read_regular_file(args.token_file, _MAX_TOKEN_INPUT, head=True)
        except OSError as exc:
            raise UsageError(_unread_option_file("--token-file", args.token_file, exc)
                             + (_(" (to pipe the token in, use --token -)")
                                if isinstance(exc, FileRefused) else "")) from None
        text = raw.decode("utf-8", errors="replace")
    elif args.token == "-":
        text = sys.stdin.read(_MAX_TOKEN_INPUT)
    elif args.token is not None:
        text = args.token
    else:
        return None
    token = read_paste(text)
    if not token.raw:
        raise UsageError(_("the token is empty"))
    return token


def run_check(args: argparse.Namespace) -> int:
    if not args.offline and args.jwks is None:
        from wizard.services.tls import prewarm

        prewarm()  # the CA bundle loads in a thread while the checks are imported
    from wizard.checks.options import Options
    from wizard.walkthrough.session import run_checks

    _jwks_file(args.jwks)
    token = read_token_argument(args)
    options = Options(
        project_dir=_project_dir(args), issuer=args.issuer, application_id=args.application_id,
        jwks_file=args.jwks, at=args.at, offline=args.offline, timeout=args.timeout,
        environ=dict(os.environ),
        ask_convex=args.ask_convex, deploy_key_env=args.deploy_key_env,
        use_secret_key=args.use_secret_key, destinations=_destinations(args),
        production=args.prod,
    )
    if args.from_browser or args.mint:
        from wizard.browser.command import token_source_command

        return token_source_command(args, options)
    verdict = run_checks(options, token)
    if args.json:
        from wizard.guards.redaction import scrub_data

        document = scrub_data(verdict.to_json(), verdict.session.secrets())
        sys.stdout.write(verdict.scrub(json_text(document)) + "\n")
    else:
        from wizard.output.render import write_human

        write_human(verdict, sys.stdout)
    return EXIT_OK if verdict.ok else EXIT_FAILED


def run_fix(args: argparse.Namespace) -> int:
    from wizard.checks.options import Options
    from wizard.output.fix_command import FixRequest, unknown_checks
    from wizard.output.fix_command import run_fix as fix_command

    if args.only and unknown_checks(args.only):
        raise UsageError(_("no automatic fix exists for {ids}",
                           ids=", ".join(unknown_checks(args.only))))
    options = Options(project_dir=_project_dir(args), offline=args.offline,
                      environ=dict(os.environ), use_secret_key=args.use_secret_key,
                      destinations=_destinations(args), production=args.prod)
    return fix_command(FixRequest(options, yes=args.yes, only=args.only, prod=args.prod,
                                  keep=args.keep, undo=args.undo, json=args.json))


def run_report(args: argparse.Namespace) -> int:
    from wizard.output.report import write_report_command

    return write_report_command(_project_dir(args), args.format, args.output,
                                offline=args.offline)


def run_reset(args: argparse.Namespace) -> int:
    from wizard.walkthrough.state import reset_command

    return reset_command(_project_dir(args))


def run_wizard(args: argparse.Namespace) -> int:
    from wizard import collector

    collector.pause()  # until the first frame is drawn (the app resumes it)
    from screens.run import run_app
    from wizard.checks.options import Options

    options = Options(issuer=args.wizard_issuer, application_id=args.wizard_application_id,
                      jwks_file=_jwks_file(args.wizard_jwks), offline=args.wizard_offline,
                      environ=dict(os.environ), destinations=_destinations(args))
    return run_app(project_dir=_project_dir(args), restart=args.restart, options=options)


def run_demo(args: argparse.Namespace) -> int:
    from wizard import collector

    collector.pause()  # until the first frame is drawn (the app resumes it)
    from screens.run import run_demo as start_demo

    return start_demo()


def run_completion(args: argparse.Namespace) -> int:
    sys.stdout.write(completion_script(PROG, args.shell))
    return EXIT_OK


_COMMANDS = {"check": run_check, "fix": run_fix, "report": run_report, "reset": run_reset,
             "demo": run_demo,
             "completion": run_completion}


def main(argv: Sequence[str] | None = None) -> int:
    with guarded_output():
        return _run(argv)


def _lang_flag(argv: Sequence[str]) -> str | None:
    """``--lang`` before the parser is built: its help and errors are already in it."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def _speak(language: str) -> None:
    """argparse's own words (``usage:``, ``options``, its errors) come from the gettext
    domain ``argparse``: its module-level ``_`` and ``ngettext``, set for this run."""
    if language == "en":
        argparse._, argparse.ngettext = _ARGPARSE_WORDS  # type: ignore[attr-defined]
        return
    import gettext

    words = gettext.translation("argparse", LOCALE_DIR, languages=[language], fallback=True)
    argparse._, argparse.ngettext = words.gettext, words.ngettext  # type: ignore[attr-defined]


def _settle_language(flag: str | None) -> None:
    choice = choose_language(flag)
    _speak(choice.language)
    if choice.problem is not None:
        sys.stderr.write(f"{PROG}: {one_line(choice.problem.render())}\n")


def _run(argv: Sequence[str] | None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        flag = _lang_flag(argv)
        _settle_language(flag)
        parser = build_parser()
        answer_completion(parser)
        args = parser.parse_args(argv)
        if getattr(args, "lang", flag) != flag:  # an abbreviated --la bn
            _settle_language(args.lang)
        if args.no_color:  # read by Textual when the app is built
            os.environ["NO_COLOR"] = "1"
        handler = _COMMANDS.get(args.command or "", run_wizard)
        return handler(args)
    except UsageError as exc:
        sys.stderr.write(_("{prog}: error: {message}", prog=PROG,
                           message=one_line(scrub_usage(str(exc)))) + "\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: " + _("interrupted") + "\n")
        return 130
    except BrokenPipeError:
        return EXIT_FAILED
    except Exception as exc:  # the last line of defence: one line, never a traceback
        from wizard.output.crash import report_crash

        sys.stderr.write(report_crash(_("the command"), exc) + "\n")
        return EXIT_FAILED
