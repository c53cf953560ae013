"""The stop's gate: the school's blocklist, checked before any request leaves, and the halt switch.

One :class:`RequestGuard` per browser, shared by every tab's request
interceptor and every page's navigation check. :meth:`RequestGuard.refuses`
answers "must this request be stopped?" for any request (a page, a frame, an
image, a script, a web socket) *before* Chromium sends it:

* once the browser is halted, every request is refused (nothing more leaves);
* a web address the school's :class:`~evidence_app.Blocklist` lists is refused,
  compared in the form the browser sends it: a ``QUrl`` is taken fully encoded
  (``QUrl.toString()`` would decode ``%C3%A9`` to ``é`` and show a punycode host
  in Unicode, which is not what goes on the wire), and the blocklist brings it
  to the same canonical form as the core's backstop does;
  the guard halts itself at once (so nothing else of the page follows it), and
  :attr:`RequestGuard.tripped` announces a :class:`Blocked` for the stop.

``tripped`` is meant to be connected with a queued connection: the stop tears
the pages down, which must not happen inside a page's own callback.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, QUrl, Signal

from evidence_app import Blocklist

# Web sockets go to the same hosts as pages; the blocklist speaks http(s), so they are compared as such.
_AS_WEB = {"http": "http", "https": "https", "ws": "http", "wss": "https"}


@dataclass(frozen=True)
class Blocked:
    """A request refused because the blocklist lists its address."""

    url: str
    line: int        # the blocklist's line that matched (a hashed entry is never spelled out)
    kind: str        # host | url | prefix | hash
    resource: str    # page | frame | image | script | ... (what asked for it)

    def describe(self) -> str:
        return (f"The address is on the school's blocklist (line {self.line}, {self.kind} entry). It was "
                f"refused before it was requested ({self.resource}), so nothing of it was shown.")


def encoded(url: QUrl | str) -> str:
    """The fully encoded URL: what Chromium requests (ASCII host, every escape kept)."""
    if isinstance(url, QUrl):
        return bytes(url.toEncoded()).decode("ascii", errors="replace")
    return str(url)


def comparable(url: str) -> str | None:
    """``url`` as the blocklist compares it, or ``None`` when it cannot be on a web blocklist."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    web = _AS_WEB.get(scheme)
    if web is None:
        return None  # data:, blob:, about: ... never leave the computer
    return web + url[len(scheme):]


class RequestGuard(QObject):
    """Refuses listed addresses, and everything once halted. Cheap when there is no blocklist."""

    tripped = Signal(object)  # Blocked, once

    def __init__(self, blocklist: Blocklist | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._blocklist = blocklist if blocklist is not None and len(blocklist) else None
        self._halted = False
        self.first_blocked: Blocked | None = None
        self.profile_guards: list[QObject] = []  # the profiles' interceptors asking this guard (kept alive here)

    @property
    def halted(self) -> bool:
        return self._halted

    @property
    def blocklist(self) -> Blocklist | None:
        """The school's list this guard refuses (None when there is none)."""
        return self._blocklist

    @property
    def has_blocklist(self) -> bool:
        return self._blocklist is not None

    def halt(self) -> None:
        """From now on every request is refused."""
        self._halted = True

    def refuses(self, url: QUrl | str, resource: str) -> bool:
        """Must the request for ``url`` (asked for as ``resource``) be stopped before it is sent?"""
        if self._halted:
            return True
        if self._blocklist is None:
            return False
        text = encoded(url)
        if comparable(text) is None:
            return False
        found = self._blocklist.match(text)
        if found is None:
            return False
        self._halted = True  # nothing after it either: the stop follows
        self.first_blocked = Blocked(text, found.line, found.kind, resource)
        self.tripped.emit(self.first_blocked)
        return True
