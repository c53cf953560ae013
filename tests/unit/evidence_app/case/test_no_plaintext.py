"""Nothing personal or evidential is ever on disk in plaintext."""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from pathlib import Path

from evidence_app import Investigator
from tests.helpers.cases import BOB, make_case
from tests.helpers.images import make_png
from tests.helpers.kept import make_mhtml, make_pdf
from tests.helpers.writes import files_written

# Made fresh each run, so no source file or shell history can hold them.
_TOKEN = secrets.token_hex(6)
MARKERS = {
    "reason": f"Reason-{_TOKEN}",
    "group": f"Group-{_TOKEN}",
    "subject": f"Pupil Gwenllian {_TOKEN}",
    "location": f"Room {_TOKEN}",
    "note": f"Note-{_TOKEN}",
    "url": f"https://host-{_TOKEN}.example/path",
    "title": f"Title-{_TOKEN}",
    "snapshot": f"Snapshot-{_TOKEN}",
    "name": f"Investigator Name{_TOKEN}",
    "kept": f"Kept-{_TOKEN}",
}


def _forms(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.lower().encode("utf-8")]


def _scan(folders: list[Path], needles: list[bytes], since: float) -> list[str]:
    found = []
    # os.walk, not rglob: the shared temporary folder is also other programs', and a folder they
    # remove between listing and reading is skipped, never a failure of this test.
    paths = [Path(top, name) for folder in folders for top, _dirs, names in os.walk(folder) for name in names]
    for path in paths:
        try:
            if not path.is_file() or path.stat().st_mtime < since or path.stat().st_size > 50_000_000:
                continue
            content = path.read_bytes()
        except OSError:
            continue
        found += [f"{path}: {needle[:20]!r}" for needle in needles if needle in content]
    return found


def test_a_scan_of_the_disk_finds_no_marker_text_and_no_image_bytes(store) -> None:
    started = time.time() - 1
    person = Investigator(MARKERS["name"], "Headteacher", "Some pass w0rd!")
    case = make_case(store, reason=MARKERS["reason"], group=MARKERS["group"], subject=MARKERS["subject"],
                     computer_location=MARKERS["location"], investigators=(person, BOB))
    png = make_png(200, 120, seed=secrets.randbits(32), noise=0.5)
    with files_written() as written:
        case.record_visit(MARKERS["url"], title=MARKERS["title"])
        case.add_capture(png, kind="viewport", url=MARKERS["url"], note=MARKERS["note"])
        case.add_page_snapshot(f"<html>{MARKERS['snapshot']}</html>", url=MARKERS["url"])
        case.add_note(MARKERS["note"])
        mhtml = make_mhtml(text=MARKERS["kept"], url=MARKERS["url"], png=png)
        pdf = make_pdf(MARKERS["kept"])
        page_png = make_png(120, 300, seed=secrets.randbits(32), noise=0.5)  # the kept page's picture
        case.keep_page(mhtml=mhtml, pdf=pdf, png=page_png, url=MARKERS["url"], title=MARKERS["title"],
                       note=MARKERS["note"], incomplete=MARKERS["note"])
        case.flag_csam(MARKERS["url"], note=MARKERS["note"])
        case.lock()
    needles = [form for text in MARKERS.values() for form in _forms(text)]
    needles += [png, png[100:164], png[-64:], mhtml[len(mhtml) // 2:len(mhtml) // 2 + 64], pdf,
                page_png[100:164], page_png[-64:]]
    found = _scan([store.root, Path(tempfile.gettempdir())], needles, started)
    assert found == []
    # Files that no longer exist cannot be scanned: every file written at all stayed in the vault.
    root = store.root.absolute()
    assert written and [p for p in written if root not in p.parents] == []
    # The scan itself can find things: the same bytes written in the clear are caught.
    (store.root / "leak.txt").write_bytes(png[100:164])
    assert _scan([store.root], needles, started)
