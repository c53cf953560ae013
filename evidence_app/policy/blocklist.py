"""The school's blocklist: addresses that trigger the stop before a request is even sent.

A plain text file the school configures, one entry a line (``#`` starts a comment):

* a host name, e.g. ``bad.example``: that host and every host under it;
* a URL, e.g. ``https://bad.example/gallery/42``: that page, in any spelling;
* a URL prefix ending in ``*``, e.g. ``https://bad.example/gallery/*``: every address starting so;
* a SHA-256 (64 hex digits, optionally ``sha256:`` before it) of a normalised URL,
  for lists distributed hashed. A hashed entry matches the full URL, the URL
  without its query, each of its parent paths and the bare host, so a hashed
  prefix works too.

Every comparison is made on :func:`~evidence_app.policy.urls.normalise_url` forms and is
blind to http versus https, so case, default ports, trailing slashes,
percent-encoding and fragments never let a listed page through.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from evidence_app.errors import PolicyError
from evidence_app.policy.urls import normalise_url

_HASH = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)*"
                   r"[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.?$")
MAX_ENTRIES = 5_000_000


class BlocklistError(PolicyError):
    """The blocklist file cannot be used; the message names the line."""


def _without_scheme(normalised: str) -> str:
    return normalised.split("://", 1)[-1]


def _host_of(normalised: str) -> str:
    try:
        return (urlsplit(normalised).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _ladder(url: str) -> list[str]:
    """The normalised URL, without its query, each parent path, and the host root, for both schemes."""
    normalised = normalise_url(url)
    parts = urlsplit(normalised)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [normalised]
    rungs = [normalised, f"{parts.scheme}://{parts.netloc}{parts.path}"]
    segments = [s for s in parts.path.split("/") if s]
    for depth in range(len(segments) - 1, -1, -1):
        rungs.append(f"{parts.scheme}://{parts.netloc}/" + "/".join(segments[:depth]))
    other = "https" if parts.scheme == "http" else "http"
    rungs += [other + rung[len(parts.scheme):] for rung in rungs]
    return list(dict.fromkeys(rungs))


def url_hash(url: str) -> str:
    """The SHA-256 a hashed list uses for ``url``: of its normalised form, UTF-8."""
    return hashlib.sha256(normalise_url(url).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Prefix:
    """``stem*``; a stem ending in "/" covers that folder and below, never ``/gallery-of-art`` for ``/gallery/``."""

    stem: str        # normalised, without scheme
    directory: bool  # the entry ended in "/" before the "*"
    line: int

    def covers(self, bare: str) -> bool:
        if not self.directory:
            return bare.startswith(self.stem)
        path = bare.split("?", 1)[0]
        return path == self.stem or path.startswith(self.stem.rstrip("/") + "/")


@dataclass(frozen=True)
class BlocklistMatch:
    """Which entry matched; ``line`` is the file's line number (hashed entries are never spelled out)."""

    line: int
    kind: str  # host | url | prefix | hash


@dataclass(frozen=True)
class Blocklist:
    hosts: dict[str, int]
    urls: dict[str, int]
    prefixes: tuple[_Prefix, ...]
    hashes: dict[str, int]
    source: str = ""

    @classmethod
    def empty(cls) -> Blocklist:
        return cls({}, {}, (), {}, "")

    @classmethod
    def from_file(cls, path: Path | str) -> Blocklist:
        target = Path(path)
        try:
            text = target.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise BlocklistError(f"The blocklist file {target} does not exist. Check the path in Settings.") from None
        except UnicodeDecodeError:
            raise BlocklistError(f"The blocklist file {target} is not UTF-8 text.") from None
        except OSError as exc:
            raise BlocklistError(f"The blocklist file {target} cannot be read: {exc.strerror}.") from None
        return cls.from_text(text, source=str(target))

    @classmethod
    def from_text(cls, text: str, source: str = "") -> Blocklist:
        hosts: dict[str, int] = {}
        urls: dict[str, int] = {}
        prefixes: list[_Prefix] = []
        hashes: dict[str, int] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            entry = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
            if not entry:
                continue
            if len(hosts) + len(urls) + len(prefixes) + len(hashes) >= MAX_ENTRIES:
                raise BlocklistError(f"The blocklist has more than {MAX_ENTRIES:,} entries.")
            if (found := _HASH.match(entry)) is not None:
                hashes.setdefault(found.group(1).lower(), number)
            elif "://" in entry:
                scheme = entry.split("://", 1)[0].lower()
                if scheme not in ("http", "https"):
                    raise BlocklistError(f"Line {number} of the blocklist is a {scheme}: address; only http and "
                                         "https addresses, host names and hashes can be listed.")
                if entry.endswith("*"):
                    stem = entry[:-1]
                    prefixes.append(_Prefix(_without_scheme(normalise_url(stem)), stem.endswith("/"), number))
                else:
                    urls.setdefault(_without_scheme(normalise_url(entry)), number)
            elif _HOST.match(entry.lower()) and "." in entry.strip("."):
                hosts.setdefault(_host_of(normalise_url("http://" + entry)), number)
            else:
                raise BlocklistError(f"Line {number} of the blocklist ({entry[:60]!r}) is not a URL, "
                                     "a host name or a SHA-256 hash.")
        return cls(hosts, urls, tuple(prefixes), hashes, source)

    def __len__(self) -> int:
        return len(self.hosts) + len(self.urls) + len(self.prefixes) + len(self.hashes)

    def match(self, url: str) -> BlocklistMatch | None:
        """The entry ``url`` falls under, or None."""
        normalised = normalise_url(url)
        bare = _without_scheme(normalised)
        if bare in self.urls:
            return BlocklistMatch(self.urls[bare], "url")
        host = _host_of(normalised)
        labels = host.split(".")
        for start in range(len(labels)):
            line = self.hosts.get(".".join(labels[start:]))
            if line is not None:
                return BlocklistMatch(line, "host")
        for prefix in self.prefixes:
            if prefix.covers(bare):
                return BlocklistMatch(prefix.line, "prefix")
        if self.hashes:
            for rung in _ladder(url):
                line = self.hashes.get(hashlib.sha256(rung.encode("utf-8")).hexdigest())
                if line is not None:
                    return BlocklistMatch(line, "hash")
        return None

    def matches(self, url: str) -> bool:
        """True for any spelling of a listed address."""
        return self.match(url) is not None

