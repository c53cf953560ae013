"""Keeping a page is three records (its MHTML, its PDF, then its PNG): SIGKILL at every system call inside it.

A child process keeps a page and is killed at the k-th write, fsync, truncate,
rename ... (before the call). Whatever instant it died at, the case reopens,
verifies, and holds no kept page, the page's MHTML alone, its MHTML and PDF (the
page as it was kept before it had a picture: the crash came before the PNG's
record), or the whole page with its picture and the notice of pictures still
loading; every file it holds reads back with the hash journaled; once
``keep_page`` returned, all three. A page cut short is still exported as what it
is, and the bundle verifies.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from pathlib import Path

import pytest

from evidence_app import verify_bundle
from tests.helpers.bundles import export, members
from tests.helpers.cases import PASSPHRASES, make_case
from tests.helpers.fault_child import KEPT_LATE, KEPT_URL
from tests.helpers.images import make_png
from tests.unit.evidence_app.case.test_stop_crash import fault_reached, run_child


def _reopened_pages(store, case_id: str, lines: list[str]) -> int:  # type: ignore[no-untyped-def]
    """How many files of the kept page the reopened case holds (0 to 3), each checked, in their order."""
    case = store.open(case_id, PASSPHRASES)
    try:
        case.verify()
        pages = case.kept_pages()
        assert len(pages) <= 1, pages
        acknowledged = [line.split()[2:] for line in lines if line.startswith("KEPT ")]
        if acknowledged:
            assert pages, f"keep_page returned, but the reopened case has no kept page: {lines}"
            assert [f"{fmt}={digest}" for fmt, digest, _ in pages[0].files] == acknowledged[0]
        if not pages:
            return 0
        page = pages[0]
        assert page.url == KEPT_URL
        assert [f[0] for f in page.files] == ["mhtml", "pdf", "png"][:len(page.files)], page.files
        assert page.incomplete == (KEPT_LATE if len(page.files) == 3 else "")
        for fmt, digest, size in page.files:
            data = case.read_kept(page.id, fmt)
            assert (hashlib.sha256(data).hexdigest(), len(data)) == (digest, size)
        return len(page.files)
    finally:
        case.lock()


@pytest.mark.slow
def test_a_crash_at_any_call_while_a_page_is_kept_loses_nothing_acknowledged(store, tmp_path: Path) -> None:
    case = make_case(store)
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/")
    case.lock()
    folder = store.root / case.id
    pristine = tmp_path / "pristine"
    shutil.copytree(folder, pristine)
    outcomes: Counter[int] = Counter()
    exported: set[int] = set()
    nth = 1
    while True:
        shutil.rmtree(folder)
        shutil.copytree(pristine, folder)
        lines = run_child(store.root, case.id, "keep", f"*:{nth}:kill")
        if not fault_reached(lines, nth):
            break
        files = _reopened_pages(store, case.id, lines)
        outcomes[files] += 1
        if files in (1, 2) and files not in exported:  # a page cut short: exported as it is; the bundle verifies
            opened = store.open(case.id, PASSPHRASES)
            try:
                usb = tmp_path / f"usb-{nth}"
                usb.mkdir()
                result = export(opened, usb)
            finally:
                opened.lock()
            names = {info.name.split("/", 1)[1] for info, _ in members(result)}
            present = [fmt for fmt in ("mhtml", "pdf", "png") if f"data/kept/K0001.{fmt}" in names]
            assert present == ["mhtml", "pdf"][:files], (files, sorted(names))
            report = verify_bundle(result.folder, result.passphrase)
            assert report.ok, report.text()
            exported.add(files)
        nth += 1
    print(f"kill points: {nth - 1}; reopened with no kept page {outcomes[0]}, the MHTML alone {outcomes[1]}, "
          f"the MHTML and PDF {outcomes[2]}, the whole page with its picture {outcomes[3]}")
    assert all(outcomes[n] for n in range(4)), outcomes  # every kind of instant was reached
    assert exported == {1, 2}
