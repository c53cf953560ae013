"""Per-page sub-resource summaries: counts by type and host, bounded, thread-safe."""

from __future__ import annotations

import threading

from ui.browser.summary import MAX_HOSTS, MAX_REFUSED_EXAMPLES, ResourceCounter, host_of


def test_counts_by_type_and_host_then_starts_afresh() -> None:
    counter = ResourceCounter()
    assert counter.take() is None
    counter.add("https://a.org/x.css", "stylesheet")
    counter.add("https://a.org/y.js", "script")
    counter.add("https://b.org/z.png", "image")
    counter.add("file:///etc/passwd", "image", refused=True)
    summary = counter.take()
    assert summary == {"requests": 4, "by_type": {"image": 2, "script": 1, "stylesheet": 1},
                       "by_host": {"a.org": 2, "b.org": 1, "(file)": 1}, "other_hosts": 0,
                       "refused": 1, "refused_examples": ["file:///etc/passwd"]}
    assert counter.take() is None


def test_summary_stays_bounded_for_huge_pages() -> None:
    counter = ResourceCounter()
    for i in range(5000):
        counter.add(f"https://h{i}.example/{'x' * 2000}", "image", refused=True)
    summary = counter.take()
    assert summary is not None
    assert summary["requests"] == 5000
    assert len(summary["by_host"]) == MAX_HOSTS and summary["other_hosts"] == 5000 - MAX_HOSTS
    assert len(summary["refused_examples"]) == MAX_REFUSED_EXAMPLES
    assert all(len(u) <= 500 for u in summary["refused_examples"])


def test_counting_from_many_threads_loses_nothing() -> None:
    counter = ResourceCounter()

    def work() -> None:
        for _ in range(2000):
            counter.add("https://a.org/", "image")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.total == 8000


def test_host_of_odd_addresses() -> None:
    assert host_of("data:image/png;base64,AA") == "(data)"
    assert host_of("blob:https://a.org/1") == "(blob)"
    assert host_of("https://[::1]:80/") == "::1"
