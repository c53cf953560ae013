"""The text a person or a page gives the case (notes, addresses, titles): checked before anything is stored."""

from __future__ import annotations

from evidence_app.errors import InvalidInput

MAX_TEXT_CHARS = 1_000_000
MAX_URL_CHARS = 2_000_000
MAX_NOTICE_CHARS = 1_000  # what the browser said a picture may lack: one sentence, never a page's text


def checked_text(value: str, what: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``value`` if it is text within ``limit`` characters; otherwise :class:`InvalidInput` naming ``what``."""
    if not isinstance(value, str):
        raise InvalidInput(f"The {what} must be text.")
    if len(value) > limit:
        raise InvalidInput(f"The {what} is too long ({len(value):,} characters); the limit is "
                           f"{limit:,}. Nothing was saved: shorten it and try again.")
    return value
