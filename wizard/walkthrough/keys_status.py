"""Where the issuer's keys came from, in one sentence: fetched, read from a file, not fetched
because the wizard runs offline, or not had at all (and why). The verify-config step shows it,
so it never says "Fetched" when nothing was fetched."""

from __future__ import annotations

from wizard.checks.options import Options
from wizard.services.issuer_keys import IssuerKeys
from wizard.text.messages import N_, Message


def keys_status(options: Options, keys: IssuerKeys | None, issuer: str | None) -> Message:
    if options.jwks_file is not None:
        return Message(N_("Keys read from {file} (--jwks); nothing was fetched."),
                       file=str(options.jwks_file))
    if options.offline:
        return Message(N_("--offline: nothing was fetched, so a token's signature cannot be "
                          "checked. Pass --jwks FILE with a saved key set to check it."))
    if issuer is None:
        return Message(N_("No issuer to fetch keys from."))
    if keys is None:
        return Message(N_("The keys of {issuer} were not fetched yet."), issuer=issuer)
    problem = keys.discovery_problem or keys.jwks_problem
    if problem is not None or not keys.keys:
        why = problem.message if problem is not None else Message(N_("the key set is empty"))
        return Message(N_("The keys of {issuer} could not be fetched: {why}"), issuer=issuer,
                       why=why)
    return Message(N_("Fetched from {issuer}."), issuer=issuer)
