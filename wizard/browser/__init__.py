"""Tokens from the user's browser: a one-time receiver on 127.0.0.1 and the console snippet
that sends it both tokens of the signed-in session (issue 15 §1).

- :mod:`wizard.browser.origins`: which page origins may send (the CORS answer).
- :mod:`wizard.browser.payload`: the JSON the snippet sends (or copies), read into a
  :class:`~wizard.providers.clerk.token_pair.TokenPair`.
- :mod:`wizard.browser.snippet`: the one-line console snippets (send, or copy as a fallback).
- :mod:`wizard.browser.receiver`: the receiver itself, single use, loopback only.
"""
