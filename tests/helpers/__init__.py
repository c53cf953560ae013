"""Shared test helpers: cases with a cheap KDF, PNG images made without Qt."""
