"""The checks and their catalog: what is compared, what it means, what to do about it."""
