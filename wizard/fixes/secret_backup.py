"""Backups without secrets: a backup keeps the file's bytes with each secret value replaced by
a numbered marker, and the manifest keeps only the sha256 of each value. Undo takes the values
back from the file as the fix left it (no fix changes or drops a secret value: it renames or
removes a duplicate), and restores only when the result hashes to the original bytes."""

from __future__ import annotations

import re

from wizard.fixes.model import sha256
from wizard.guards.redaction import secret_values

# NUL never appears in a text file a fix edits; a file that holds one is restored only if the
# rebuilt bytes still hash to the original.
_MARKER = re.compile(rb"\x00caw-secret-(\d+)\x00")


def _text(data: bytes) -> str:
    # latin-1 keeps one character per byte, so spans found in the text are byte offsets.
    return data.decode("latin-1")


def mask_secrets(data: bytes) -> tuple[bytes, list[str]]:
    """The bytes with every secret value replaced by a marker, and the hash of each value."""
    text = _text(data)
    out: list[bytes] = []
    hashes: list[str] = []
    last = 0
    for start, end in secret_values(text):
        out.append(data[last:start])
        out.append(b"\x00caw-secret-%d\x00" % len(hashes))
        hashes.append(sha256(data[start:end]))
        last = end
    out.append(data[last:])
    return b"".join(out), hashes


def unmask_secrets(masked: bytes, hashes: list[str], *sources: bytes | None) -> bytes | None:
    """The original bytes, the secret values taken from ``sources`` by their hashes; None when
    a value is no longer in any of them."""
    found: dict[str, bytes] = {}
    for source in sources:
        if source is None:
            continue
        for start, end in secret_values(_text(source)):
            found.setdefault(sha256(source[start:end]), source[start:end])
    missing = False

    def value(match: re.Match[bytes]) -> bytes:
        nonlocal missing
        index = int(match.group(1))
        if index >= len(hashes) or hashes[index] not in found:
            missing = True
            return b""
        return found[hashes[index]]

    rebuilt = _MARKER.sub(value, masked)
    return None if missing else rebuilt
