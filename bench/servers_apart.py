"""The benches' local test servers, in a process of their own.

A real server does not share the browser's Python interpreter. In the bench's own process
the test servers' threads would take the interpreter lock from the browser's main thread (the
Qt thread, which runs the request guard and the recorder in Python) for every request they
answer, so the figures would partly measure our test server. Here they run apart:

    with servers_apart() as (web_base, site_base): ...

``web_base`` is :class:`tests.helpers.webserver.WebServer`'s address, ``site_base``
:class:`tests.helpers.responses_site.ResponsesSite`'s. The process ends with the block.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def servers_apart() -> Iterator[tuple[str, str]]:
    process = subprocess.Popen([sys.executable, "-m", "bench.servers_apart"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        web_base, site_base = process.stdout.readline().split()
        yield web_base, site_base
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _serve() -> None:
    from tests.helpers.responses_site import ResponsesSite
    from tests.helpers.webserver import WebServer

    web, site = WebServer().start(), ResponsesSite().start()
    print(web.base, site.base, flush=True)
    sys.stdin.read()  # until the bench closes our input (or ends)
    web.stop()
    site.stop()


if __name__ == "__main__":
    _serve()
