"""Which addresses the recorded browser may open: only the web (http and https).

Pure Python so the rule can be tested without Qt. ``file:``, ``chrome:``,
``view-source:``, ``ftp:`` and the rest are refused for pages; sub-resources
may also use the schemes Chromium needs inside a web page (``data:``,
``blob:``, web sockets), never the investigation computer's own disk.
"""

from __future__ import annotations

from urllib.parse import urlsplit

PAGE_SCHEMES = frozenset({"http", "https"})
SUBRESOURCE_SCHEMES = PAGE_SCHEMES | {"data", "blob", "ws", "wss"}
# The empty page a new tab starts with: allowed, and not a visit.
BLANK = frozenset({"about:blank", "about:srcdoc"})


def scheme_of(url: str) -> str:
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""


def page_allowed(url: str) -> bool:
    """May a tab (or a frame in it) show ``url``?"""
    return url in BLANK or scheme_of(url) in PAGE_SCHEMES


def subresource_allowed(url: str) -> bool:
    return url in BLANK or scheme_of(url) in SUBRESOURCE_SCHEMES


def refusal_message(url: str) -> str:
    """What to tell the pair when an address is refused, in plain words."""
    scheme = scheme_of(url)
    if scheme == "file":
        return ("This browser does not open files on this computer, so the computer's own disk "
                "stays out of the investigation. The attempt has been recorded.")
    if not scheme:
        return "That is not a web address. Type an address that starts with http:// or https://."
    return (f"This browser only opens web pages (http and https), not {scheme}: addresses. "
            "The attempt has been recorded.")


def address_from_typed(text: str) -> str:
    """Turn what was typed in the address bar into a URL: a bare host gets https://."""
    text = text.strip()
    if not text:
        return ""
    scheme = scheme_of(text)
    if scheme and ("://" in text or scheme in {"file", "about", "chrome", "data", "javascript",
                                              "view-source", "blob", "mailto", "ftp"}):
        return text
    if " " in text or "." not in text.split("/")[0] and not text.startswith("localhost"):
        return text  # not an address; refused later with a plain message
    return "https://" + text
