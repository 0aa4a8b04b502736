"""What a fix is, as data: file edits or a command, and the codes that say what and why.

Nothing here is a sentence for the user. A plan carries a :class:`FixReason` and the values
that fill its message (names, paths, values that are not secret); a refusal carries a
:class:`Refusal` and its values. Diffs and commands are data and are kept as text. The bytes
of an edit can hold secrets (a ``.env`` file), so they never appear in a ``repr`` and
:meth:`FixPlan.to_dict` leaves them out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import field
from enum import Enum
from typing import Any

from wizard.environments.model import Environment
from wizard.guards.redaction import redact
from wizard.records import record


class FixReason(str, Enum):
    """What a plan changes."""

    ISSUER_ADDED = "issuer_added"
    """The issuer variable was missing: written from the publishable key's instance."""
    ISSUER_DERIVED = "issuer_derived"
    """The issuer named another instance than the publishable key: replaced by the key's."""
    ISSUER_CLEANED = "issuer_cleaned"
    """Quotes, whitespace, a path or a trailing slash removed from the issuer value."""
    KEY_RENAMED = "key_renamed"
    DOMAIN_REPLACED = "domain_replaced"
    AUTH_CONFIG_CREATED = "auth_config_created"
    AUTH_CONFIG_KEPT = "auth_config_kept"
    """Both ``auth.config.ts`` and ``.js``: one is kept, the other set aside (backed up)."""
    SECRET_MOVED = "secret_moved"
    """A secret in a browser-exposed variable renamed to the server-only name."""
    SECRET_COPY_REMOVED = "secret_copy_removed"
    """The server-only name already held the same secret: the exposed copy removed."""
    DEPLOYMENT_ENV_SET = "deployment_env_set"
    TEMPLATE_CREATED = "template_created"
    """The identity provider's JWT template created through its API."""
    APP_ACCESSOR_REPLACED = "app_accessor_replaced"
    """The app's code read a variable through the wrong accessor for its framework."""
    APP_PROP_REMOVED = "app_prop_removed"
    """A prop ConvexProviderWithClerk does not have (the guide's jwtTemplateName) removed."""
    APP_USE_CLIENT_ADDED = "app_use_client_added"


class Refusal(str, Enum):
    """Why a fix is not offered, not applied, or not undone."""

    OUTSIDE_PROJECT = "outside_project"
    NOT_REGULAR_FILE = "not_regular_file"
    UNREADABLE = "unreadable"
    READ_ONLY = "read_only"
    READ_ONLY_FOLDER = "read_only_folder"
    NOT_UTF8 = "not_utf8"
    CHANGED_SINCE_PLAN = "changed_since_plan"
    NEW_SECRET = "new_secret"
    EDIT_NOT_VERIFIED = "edit_not_verified"
    """The edited text would not parse back to exactly the intended values."""
    VALUE_NOT_WRITABLE = "value_not_writable"
    SET_IN_ENVIRONMENT = "set_in_environment"
    NO_PUBLISHABLE_KEY = "no_publishable_key"
    NO_CONVEX_FOLDER = "no_convex_folder"
    NOT_LOCATED = "not_located"
    """The thing to change is not written where a fix can rewrite it (a spread, an expression)."""
    KEY_EXISTS = "key_exists"
    SERVER_NAME_TAKEN = "server_name_taken"
    NO_CONVEX_CLI = "no_convex_cli"
    DEPLOYMENT_NOT_READ = "deployment_not_read"
    OFFLINE = "offline"
    ONE_CHOICE_ONLY = "one_choice_only"
    """Alternatives of one check were given: only the first is tried."""
    NOT_AGREED = "not_agreed"
    """A change through a provider's API, without the user's agreement to use its key."""
    COMMAND_FAILED = "command_failed"
    COMMAND_TIMED_OUT = "command_timed_out"
    COMMAND_NOT_STARTED = "command_not_started"
    WRITE_FAILED = "write_failed"
    BACKUP_FAILED = "backup_failed"
    NO_RUN = "no_run"
    ALREADY_UNDONE = "already_undone"
    MANIFEST_UNUSABLE = "manifest_unusable"
    CHANGED_SINCE_FIX = "changed_since_fix"
    BACKUP_MISSING = "backup_missing"
    SECRET_GONE = "secret_gone"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@record(frozen=True)
class FileEdit:
    """One file's change. ``old`` None: the file is created; ``new`` None: it is removed
    (its bytes stay in the run's backup)."""

    path: str
    """Relative to the project root, with ``/``: what the user sees and what is written."""
    old: bytes | None = field(repr=False)
    new: bytes | None = field(repr=False)
    diff: str = field(repr=False)
    """A unified diff of exactly the changed lines, every secret in it redacted."""

    @property
    def old_hash(self) -> str | None:
        return None if self.old is None else sha256(self.old)

    @property
    def action(self) -> str:
        return "create" if self.old is None else "remove" if self.new is None else "modify"


@record(frozen=True)
class CommandFix:
    """``node_modules/.bin/convex env set NAME VALUE [--prod]``: the project's own CLI; with
    ``preview_default``, ``env default set --type preview NAME VALUE`` (new previews' value)."""

    cli: str
    """The CLI relative to the project root (``node_modules/.bin/convex``)."""
    name: str
    value: str = field(repr=False)
    value_secret: bool = False
    prod: bool = False
    preview_default: bool = False

    @property
    def environment(self) -> Environment:
        """Whose deployment the command changes: only that one's deploy key is in play."""
        return Environment.PRODUCTION if self.prod else \
            Environment.PREVIEW if self.preview_default else Environment.DEVELOPMENT

    def _with(self, value: str) -> tuple[str, ...]:
        if self.preview_default:
            return (self.cli, "env", "default", "set", "--type", "preview", self.name, value)
        return (self.cli, "env", "set", self.name, value, *(("--prod",) if self.prod else ()))

    @property
    def argv(self) -> tuple[str, ...]:
        """What is run, from the project root."""
        return self._with(self.value)

    @property
    def shown(self) -> tuple[str, ...]:
        """The command as the user is shown it and as the run manifest records it: the value
        in full (the user confirms what is sent), unless it is a secret."""
        return self._with(redact(self.value) if self.value_secret else self.value)


@record(frozen=True)
class RemoteFix:
    """A change made through a service's API (the identity provider's JWT template): shown as
    the request it sends; sent by the caller's ``send`` (the engine holds no key)."""

    method: str
    url: str
    body: Mapping[str, Any] = field(default_factory=dict)

    @property
    def shown(self) -> tuple[str, ...]:
        return (self.method, self.url)


@record(frozen=True)
class FixPlan:
    """The fix for one failure: file edits, or one command."""

    check_id: str
    reason: FixReason
    values: Mapping[str, str] = field(default_factory=dict)
    """What fills the reason's message (file, variable, key, value shown); never a secret."""
    edits: tuple[FileEdit, ...] = ()
    command: CommandFix | None = None
    remote: RemoteFix | None = None
    must_roll: bool = False
    """A secret was exposed to the browser: moving it is not enough, it must be rolled."""
    choice: str | None = None
    """Set on plans that are alternatives for one check (keep ``ts`` or keep ``js``): at most
    one of them is applied."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id, "reason": self.reason.value, "values": dict(self.values),
            "edits": [{"path": e.path, "action": e.action, "diff": e.diff} for e in self.edits],
            "command": list(self.command.shown) if self.command else None,
            "request": None if self.remote is None else {
                "method": self.remote.method, "url": self.remote.url,
                "body": dict(self.remote.body)},
            "must_roll": self.must_roll, "choice": self.choice,
        }


@record(frozen=True)
class Blocked:
    """A failure a fix exists for, but not here: the reason says why."""

    check_id: str
    reason: Refusal
    values: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"check_id": self.check_id, "reason": self.reason.value,
                "values": dict(self.values)}


class Refused(Exception):
    """Raised inside the package where a fix cannot go on; becomes a :class:`Blocked` or an
    outcome."""

    def __init__(self, reason: Refusal, **values: str) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.values = values


@record(frozen=True)
class KeyFacts:
    """What the identity provider's public key says, which the project's files alone do not:
    the engine sits beside the providers and never asks them itself."""

    host: str | None = None
    """The host the key names (Clerk's Frontend API): the issuer a fix derives."""
    source: str = ""
    """Where the key was found, ``file:VARIABLE``: the marker a derived issuer carries."""
    development: bool = False
    """The key is a development instance's: its issuer must never be set on production."""
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """Every secret value of the project: no diff or command shown may hold one."""


NO_KEY = KeyFacts()


@record(frozen=True)
class FixSet:
    plans: tuple[FixPlan, ...] = ()
    blocked: tuple[Blocked, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"plans": [p.to_dict() for p in self.plans],
                "blocked": [b.to_dict() for b in self.blocked]}
