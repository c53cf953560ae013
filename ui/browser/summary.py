"""Counting a page's sub-resource requests, for the journal's per-page summary.

Pure Python and thread-safe: the request interceptor may be called off the UI
thread. A page with thousands of requests costs a few dictionary updates each;
the summary keeps totals by type and by host (the busiest hosts only) and a few
examples of refused requests, so its size stays bounded.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

MAX_HOSTS = 50
MAX_REFUSED_EXAMPLES = 20
MAX_EXAMPLE_CHARS = 500


def host_of(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unreadable)"
    if parts.scheme in ("data", "blob"):
        return f"({parts.scheme})"
    return parts.hostname or f"({parts.scheme or 'none'})"


class ResourceCounter:
    """Sub-resource requests since the last :meth:`take`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._total = 0
        self._by_type: Counter[str] = Counter()
        self._by_host: Counter[str] = Counter()
        self._refused = 0
        self._refused_examples: list[str] = []

    def add(self, url: str, resource_type: str, refused: bool = False) -> None:
        host = host_of(url)
        with self._lock:
            self._total += 1
            self._by_type[resource_type] += 1
            self._by_host[host] += 1
            if refused:
                self._refused += 1
                if len(self._refused_examples) < MAX_REFUSED_EXAMPLES:
                    self._refused_examples.append(url[:MAX_EXAMPLE_CHARS])

    @property
    def total(self) -> int:
        with self._lock:
            return self._total

    def take(self) -> dict[str, Any] | None:
        """The summary so far (``None`` if nothing was requested), and start counting afresh."""
        with self._lock:
            if self._total == 0:
                return None
            hosts = self._by_host.most_common(MAX_HOSTS)
            summary: dict[str, Any] = {
                "requests": self._total,
                "by_type": dict(sorted(self._by_type.items())),
                "by_host": dict(hosts),
                "other_hosts": len(self._by_host) - len(hosts),
                "refused": self._refused,
                "refused_examples": list(self._refused_examples),
            }
            self._reset()
            return summary
