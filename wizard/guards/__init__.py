"""Guards at every edge: files read within caps, text shown without control characters,
secrets scrubbed."""
