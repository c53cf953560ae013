"""Blocklist benchmarks: loading a school's list, and matching one address (what the guard does per request).

Prints figures, each also as a ratio against a floor measured in the same run
(the machines are shared and noisy):

* load: ``Blocklist.from_text`` of N entries (a quarter each host names, pages,
  folders and hashes), against the floor of parsing the same URLs with the
  WHATWG parser alone (``ada_url.parse_url``);
* match: ``Blocklist.matches`` of a sub-resource address that is not listed
  (the usual case: every dictionary is asked), against the floor of parsing it.

    .venv/bin/python -m bench.bench_blocklist [--entries N]
"""

from __future__ import annotations

import argparse
import time

from ada_url import parse_url

from evidence_app.policy.blocklist import Blocklist, url_hash


def _lines(count: int) -> list[str]:
    makers = (lambda i: f"host{i}.example", lambda i: f"https://site{i}.example/gallery/{i}",
              lambda i: f"https://site{i}.example/folder{i}/", lambda i: url_hash(f"https://hashed{i}.example/p/{i}"))
    return [makers[i % 4](i) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    args = parser.parse_args()
    lines = _lines(args.entries)
    start = time.perf_counter()
    blocklist = Blocklist.from_text("\n".join(lines))
    load = time.perf_counter() - start
    start = time.perf_counter()
    for line in lines:
        parse_url(line if "://" in line else f"http://{line}/", attributes=("hostname", "pathname"))
    floor = time.perf_counter() - start
    print(f"load {len(blocklist):,} entries: {load:.2f} s ({load / floor:.1f}x parsing them alone)")
    urls = [f"https://www.cdn{i}.example/a/b/c/{i}.png?v={i}" for i in range(5_000)]
    start = time.perf_counter()
    assert not any(blocklist.matches(url) for url in urls)
    match = (time.perf_counter() - start) / len(urls)
    start = time.perf_counter()
    for url in urls:
        parse_url(url, attributes=("hostname", "pathname", "search"))
    parse = (time.perf_counter() - start) / len(urls)
    print(f"match one address: {match * 1e6:.0f} us ({match / parse:.1f}x parsing it alone)")


if __name__ == "__main__":
    main()
