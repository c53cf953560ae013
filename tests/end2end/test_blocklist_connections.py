"""The blocklist against the real browser, counting TCP connections, not only requests (issue 14).

The listed server listens on 127.0.0.2 and counts every connection it accepts,
so a connection the browser opens without sending a request (a preconnect) is
seen too. The pages that lead to it come from a server on 127.0.0.1.

Host names (``listed.example``, ``straße.example``...) must reach the listed
server without any name ever being looked up outside this computer, so the
tests run in a browser process of their own, started with Chromium's
``--host-resolver-rules`` mapping the test names to 127.0.0.2 and every other
name to "not found": the test below runs pytest on
``blocklist_connections_inner.py`` in that process.

There, the application is first started on settings whose school list holds
``atstart.example`` (the real start-up path: :class:`ui.app.Controller` puts
that host's resolver rules in front of the test's). Then, for each spelling in
the issue, with the browser's list holding the address one way and the browser
asked for it another: typed, through a redirect, embedded as an image, fetched
and prefetched; and every other kind of request a page can make (frames,
scripts, style sheets, XHR, WebSocket, beacons, service workers, speculation
rules, preconnect and DNS hints), to a subdomain of the host listed at start
(and the hints and a sub-resource's redirect to the host itself, in upper case
and with a trailing dot), and the preconnects, redirects and images to
``127.0.0.3``, an IP address listed at start, in three spellings; and, behind
a proxy server (a counting one on 127.0.0.1), that no request or tunnel for a
host listed at start even reaches the proxy. Each must reach the listed server with **zero**
connections, and the guard must announce the stop for each request (a hint is
no request, so it stops nothing; it must still not connect). Controls show that
each spelling and each kind (but the Link header's, which Chromium does not
always act on) does reach the listed server when it is not listed.

``listed.example`` is listed only in the browser's own list, as a host added
while the application runs: the request guard alone refuses it (with the
requests to the list's hosts paused before they are sent, redirect hops included:
:mod:`ui.browser.fetch_guard`). Two expected failures pin what then stays open
until the application is restarted (a ``<link>`` preconnect, strict; a ``Link:``
header preconnect, which Chromium does not always open). A redirect to a listed
*page* on an allowed host, which no start-up rule can cover, is never sent: no
connection, no request, and the stop follows.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.end2end import blocklist_connections_inner as inner

ROOT = Path(__file__).resolve().parents[2]


def test_in_a_browser_whose_test_names_lead_to_loopback_only() -> None:
    env = dict(os.environ)
    env["QTWEBENGINE_CHROMIUM_FLAGS"] = (env.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
                                         + f' --host-resolver-rules="{inner.RULES}"').strip()
    env[inner.INNER] = "1"
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfEX",
                             str(Path(inner.__file__).relative_to(ROOT))],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|xfailed|xpassed|skipped)", result.stdout)}
    gaps = counts.get("xfailed", 0) + counts.get("xpassed", 0)  # the known gaps; one is not always seen
    assert counts.get("passed", 0) >= 167 and gaps == 2 and "skipped" not in counts, counts
