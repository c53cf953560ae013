"""The school's blocklist: addresses that trigger the stop before a request is even sent.

A plain text file the school configures, one entry a line (``#`` starts a comment):

* a host name, e.g. ``bad.example``: that host and every host under it; or an IP
  address, e.g. ``192.168.1.10`` (in any spelling a browser accepts, IPv6 too);
* a URL, e.g. ``https://bad.example/gallery/42``: that page, in any spelling,
  with or without a query added (``?page=2``). A URL with a query,
  e.g. ``https://bad.example/view?id=42``, covers that page whenever its query
  holds those parameters, in any order, among others;
* a URL ending in ``/``, e.g. ``https://bad.example/gallery/``: that folder and
  everything in it (a school pasting a folder's address means the folder). The
  site's own address, ``https://bad.example/``, is its home page only: to list
  a whole site, list its host name;
* a URL prefix ending in ``*``, e.g. ``https://bad.example/gallery-*``: every
  address whose canonical form starts so (``.../gallery/*`` is the folder);
* a SHA-256 (64 hex digits, optionally ``sha256:`` before it) of a canonical
  URL, for lists distributed hashed (see below).

Every comparison is made on :func:`~evidence_app.policy.urls.web_address` forms,
the one canonical spelling that the browser's request guard also uses, and is
blind to http versus https (and ws/wss), so case, default ports, trailing
slashes, percent-encoding, ``;params``, ``//``, dot segments, fragments,
internationalised host names and IP spellings never let a listed page through.

Hashed entries: the hash is the SHA-256 of the UTF-8 bytes of
``normalise_url(url)``, i.e. ``http://`` or ``https://``, the host (lower-case
ASCII, punycode for an internationalised name, dotted for IPv4, bracketed for
IPv6), ``:port`` unless it is the default, the canonical path (``/`` for the
home page; never a trailing slash otherwise) and, when there is one, ``?`` and
the canonical query as written (not reordered); ``url_hash`` computes it.
A request is checked against the hashes of these canonical forms, for both
http and https: the full URL, the URL without its query, each parent folder
(``https://host/a`` for ``https://host/a/b``) and the home page
(``https://host/``). So a hashed page also covers it with any query added, and
a hashed folder or home page covers everything below it on that host (not its
subdomains, and not a query given in another order).
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path

from evidence_app.errors import PolicyError
from evidence_app.policy.urls import WebAddress, normalise_url, web_address

_HASH = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)*"
                   r"[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.?$")
MAX_ENTRIES = 5_000_000


class BlocklistError(PolicyError):
    """The blocklist file cannot be used; the message names the line."""


def _ladder(address: WebAddress) -> list[str]:
    """The canonical URL, without its query, each parent folder, and the home page, for both schemes."""
    rungs = [address.href, f"{address.scheme}://{address.authority}{address.path}"]
    segments = [s for s in address.path.split("/") if s]
    for depth in range(len(segments) - 1, -1, -1):
        rungs.append(f"{address.scheme}://{address.authority}/" + "/".join(segments[:depth]))
    other = "https" if address.scheme == "http" else "http"
    rungs += [other + rung[len(address.scheme):] for rung in rungs]
    return list(dict.fromkeys(rungs))


def url_hash(url: str) -> str:
    """The SHA-256 a hashed list uses for ``url``: of its canonical form (``normalise_url``), UTF-8."""
    return hashlib.sha256(normalise_url(url).encode("utf-8")).hexdigest()


def _host_entry(entry: str) -> str | None:
    """The canonical host of a host-name or IP-address line, or None when it is neither."""
    text = entry.strip()
    try:
        if isinstance(ipaddress.ip_address(text.strip("[]")), ipaddress.IPv6Address):
            text = f"[{text.strip('[]')}]"
    except ValueError:
        if not (_HOST.match(text.lower()) and "." in text.strip(".")):
            return None
    found = web_address(f"http://{text}/")
    return found.host if found is not None and found.path == "/" and not found.port else None


def _folders_of(address: WebAddress) -> list[str]:
    """``authority/`` and each folder the address is in or is, shallowest first: the keys folder entries have."""
    segments = [s for s in address.path.split("/") if s]
    return [address.authority + "/"] + [address.authority + "/" + "/".join(segments[:depth])
                                        for depth in range(1, len(segments) + 1)]


@dataclass(frozen=True)
class BlocklistMatch:
    """Which entry matched; ``line`` is the file's line number (hashed entries are never spelled out)."""

    line: int
    kind: str  # host | url | folder | prefix | hash


@dataclass(frozen=True)
class Blocklist:
    """The school's list, ready to match; every lookup is a dictionary's, but string prefixes (per host).

    ``urls``: page (authority + path) -> (the query parameters it needs, line); ``folders``: folder
    (authority + path, the site's root as ``authority/``) -> line; ``prefixes``: authority ->
    (canonical stem without scheme, line) for entries ending in ``*`` that are not a folder.
    """

    hosts: dict[str, int]
    urls: dict[str, tuple[tuple[frozenset[str], int], ...]]
    folders: dict[str, int]
    prefixes: dict[str, tuple[tuple[str, int], ...]]
    hashes: dict[str, int]
    source: str = ""

    @classmethod
    def empty(cls) -> Blocklist:
        return cls({}, {}, {}, {}, {}, "")

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
        urls: dict[str, list[tuple[frozenset[str], int]]] = {}
        folders: dict[str, int] = {}
        prefixes: dict[str, list[tuple[str, int]]] = {}
        hashes: dict[str, int] = {}
        count = 0
        for number, raw in enumerate(text.splitlines(), start=1):
            entry = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
            if not entry:
                continue
            if count >= MAX_ENTRIES:
                raise BlocklistError(f"The blocklist has more than {MAX_ENTRIES:,} entries.")
            count += 1
            if (found := _HASH.match(entry)) is not None:
                hashes.setdefault(found.group(1).lower(), number)
            elif "://" in entry:
                scheme = entry.split("://", 1)[0].lower()
                if scheme not in ("http", "https"):
                    raise BlocklistError(f"Line {number} of the blocklist is a {scheme}: address; only http and "
                                         "https addresses, host names and hashes can be listed.")
                stem = entry[:-1] if entry.endswith("*") else entry
                address = web_address(stem)
                if address is None:
                    raise BlocklistError(f"Line {number} of the blocklist ({entry[:60]!r}) is not a web address "
                                         "a browser could open.")
                starred = entry.endswith("*")
                page = address.authority + address.path
                if not address.query and (address.folder or starred and address.path == "/"):
                    folders.setdefault(page, number)  # ".../gallery/", ".../gallery/*", "https://host*"
                elif starred:
                    prefixes.setdefault(address.authority, []).append((address.bare, number))
                else:
                    urls.setdefault(page, []).append((address.query_pairs, number))
            elif (host := _host_entry(entry)) is not None:
                hosts.setdefault(host, number)
            else:
                raise BlocklistError(f"Line {number} of the blocklist ({entry[:60]!r}) is not a URL, "
                                     "a host name or a SHA-256 hash.")
        return cls(hosts, {page: tuple(needs) for page, needs in urls.items()}, folders,
                   {authority: tuple(stems) for authority, stems in prefixes.items()}, hashes, source)

    def __len__(self) -> int:
        return (len(self.hosts) + sum(len(v) for v in self.urls.values()) + len(self.folders)
                + sum(len(v) for v in self.prefixes.values()) + len(self.hashes))

    def match(self, url: str) -> BlocklistMatch | None:
        """The entry ``url`` falls under, or None (also for anything that is not an http(s)/ws(s) address)."""
        address = web_address(url)
        if address is None:
            return None
        needs = self.urls.get(address.authority + address.path)
        if needs:
            pairs = address.query_pairs
            for wanted, line in needs:
                if wanted <= pairs:
                    return BlocklistMatch(line, "url")
        if address.host_is_ip:
            line = self.hosts.get(address.host)
            if line is not None:
                return BlocklistMatch(line, "host")
        else:
            labels = address.host.split(".")
            for start in range(len(labels)):
                line = self.hosts.get(".".join(labels[start:]))
                if line is not None:
                    return BlocklistMatch(line, "host")
        if self.folders:
            for folder in _folders_of(address):
                line = self.folders.get(folder)
                if line is not None:
                    return BlocklistMatch(line, "folder")
        bare = address.bare
        for stem, line in self.prefixes.get(address.authority, ()):
            if bare.startswith(stem):
                return BlocklistMatch(line, "prefix")
        if self.hashes:
            for rung in _ladder(address):
                line = self.hashes.get(hashlib.sha256(rung.encode("utf-8")).hexdigest())
                if line is not None:
                    return BlocklistMatch(line, "hash")
        return None

    def matches(self, url: str) -> bool:
        """True for any spelling of a listed address."""
        return self.match(url) is not None
