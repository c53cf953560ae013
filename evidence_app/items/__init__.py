"""Files brought in as evidence, before any case: their hashes, their kind, what they say about themselves."""
