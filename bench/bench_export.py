"""Export and verify of a large case, against ``tar | age`` and ``sha256sum`` on the same files.

    .venv/bin/python -m bench.bench_export [--size-mb 1024] [--visits 0] [--capture-side 591]

A case of SIZE MB of captures (1 MB incompressible PNGs) is generated, then:
(``--capture-side`` makes them smaller: ``--size-mb 2000 --capture-side 100
--visits 20000`` is a long review of 2,000 small captures and 20,000 visits;
``--form-in-export`` has the export render the form itself, as the app does
when there is no preview, so its peak memory includes the form's.)

* export (``case.export``) runs in a child process whose peak RSS is read;
* the floor for export is ``tar -c`` of the same PNGs piped into Debian's
  ``age -r`` (encryption with the same kind of recipient);
* verify (``verify_bundle``) runs in a child too, against ``age -d | tar -t``
  plus ``sha256sum`` of the same files as its floor.

Prints throughput (MB/s), the ratio to each floor (target >= 0.7x) and peak
memory (target < 200 MB).

``--pages N`` also records N pages' responses (each a document, scripts and JSON kept as
text, and pictures hash-only), and times the export with the recorded responses' WACZ
against the same export without it (``--pages 200 --size-mb 50``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD_FORM = """
import json, resource, sys, time
from pathlib import Path
from tests.helpers.cases import PASSPHRASES, make_store
from evidence_app import render_form
case = make_store(sys.argv[1]).open(sys.argv[2], PASSPHRASES)
start = time.perf_counter()
Path(sys.argv[3]).write_bytes(render_form(case))
elapsed = time.perf_counter() - start
case.lock()
print(json.dumps({"seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_EXPORT = """
import json, sys, time
from pathlib import Path
from tests.helpers.cases import PASSPHRASES, make_store
from tests.helpers.bundles import OFFICER
from evidence_app import export_case
store = make_store(sys.argv[1])
case = store.open(sys.argv[2], PASSPHRASES)
form = Path(sys.argv[4]).read_bytes() if sys.argv[4] != "-" else None
if sys.argv[5:] == ["without-wacz"]:  # the bench's comparison: the same export, the WACZ left out
    import evidence_app.export.writer as writer
    writer.add_web_archive = lambda *args, **kwargs: None
start = time.perf_counter()
result = export_case(case, sys.argv[3], passphrase="tiger-orbit-lemon-crane-fabric-juice", recipient=OFFICER, form=form)
elapsed = time.perf_counter() - start
case.lock()
import resource
print(json.dumps({"seconds": elapsed, "folder": str(result.folder), "bytes": result.payload_bytes,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_VERIFY = """
import json, sys, time
from evidence_app import verify_bundle
start = time.perf_counter()
report = verify_bundle(sys.argv[1], "tiger-orbit-lemon-crane-fabric-juice")
import resource
print(json.dumps({"seconds": time.perf_counter() - start, "ok": report.ok,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(code: str, *args: str) -> tuple[dict[str, object], float]:
    """Run ``code`` in a fresh Python; return its JSON answer and its own peak RSS in MB."""
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the child failed:\n{done.stderr}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return answer, float(answer["peak_mb"])


def _timed(command: str, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export and verify throughput and memory.")
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--visits", type=int, default=0, help="visits journaled besides the captures")
    parser.add_argument("--capture-side", type=int, default=591, help="captures' side in pixels (591: ~1 MB)")
    parser.add_argument("--form-in-export", action="store_true", help="the export renders the form itself")
    parser.add_argument("--pages", type=int, default=0, help="pages' recorded responses (the WACZ's input)")
    args = parser.parse_args(argv)
    if shutil.which("age") is None or shutil.which("age-keygen") is None:
        print("Debian's age is needed for the floor: run ./scripts/setup")
        return 2
    sys.path.insert(0, str(REPO))
    from tests.helpers.cases import make_case, make_store
    from tests.helpers.images import random_png

    with tempfile.TemporaryDirectory(prefix="evidence-bench-export-") as temp:
        work = Path(temp)
        plain = work / "plain"
        plain.mkdir()
        store = make_store(work / "cases")
        case = make_case(store)
        start = time.perf_counter()
        for n in range(args.size_mb):
            data = random_png(args.capture_side, args.capture_side)  # 591: about 1 MB, incompressible
            (plain / f"C{n + 1:04d}.png").write_bytes(data)
            case.add_capture(data, kind="page", url=f"https://example.org/{n}")
        for n in range(args.visits):
            case.record_visit(f"https://site{n % 113}.example/page/{n}?q={n * 7}", title=f"Page {n} of the review")
        text_mb = sum(_record_page(case, n) for n in range(args.pages)) / 1e6
        case.lock()
        print(f"generated a case of {args.size_mb} captures ({args.capture_side} px square) and {args.visits} visits "
              f"in {time.perf_counter() - start:.1f} s")
        out = work / "usb"
        out.mkdir()
        formed, form_peak = _child(CHILD_FORM, str(store.root), case.id, str(work / "form.pdf"))
        form_mb = (work / "form.pdf").stat().st_size / 1e6
        exported, export_peak = _child(CHILD_EXPORT, str(store.root), case.id, str(out),
                                       "-" if args.form_in_export else str(work / "form.pdf"))
        size_mb = float(exported["bytes"]) / 1e6  # type: ignore[arg-type]
        subprocess.run(["age-keygen", "-o", str(work / "key.txt")], check=True, capture_output=True)
        recipient = [line.split()[-1] for line in (work / "key.txt").read_text().splitlines() if "public key" in line][0]
        floor_export = _timed(f"tar -cf - plain | age -r {recipient} > floor.age", work)
        verified, verify_peak = _child(CHILD_VERIFY, str(exported["folder"]))
        floor_verify = _timed("age -d -i key.txt floor.age | tar -t > /dev/null && sha256sum plain/* > /dev/null", work)
        export_rate = size_mb / float(exported["seconds"])  # type: ignore[arg-type]
        verify_rate = size_mb / float(verified["seconds"])  # type: ignore[arg-type]
        print(f"form:    {formed['seconds']:.1f} s to render the incident form with {args.size_mb} captures, "
              f"{form_mb:.0f} MB, peak memory {form_peak:.0f} MB (made apart; it goes into the bag below"
              + (", and is made again inside the export)" if args.form_in_export else ")"))
        print(f"export:  {exported['seconds']:.1f} s, {export_rate:.0f} MB/s; tar | age {floor_export:.1f} s, "
              f"{size_mb / floor_export:.0f} MB/s; ratio {export_rate / (size_mb / floor_export):.2f}x (target >= 0.7x); "
              f"peak memory {export_peak:.0f} MB (target < 200 MB)")
        print(f"verify:  {verified['seconds']:.1f} s, {verify_rate:.0f} MB/s; age -d | tar -t + sha256sum {floor_verify:.1f} s, "
              f"{size_mb / floor_verify:.0f} MB/s; ratio {verify_rate / (size_mb / floor_verify):.2f}x; "
              f"peak memory {verify_peak:.0f} MB; intact: {verified['ok']}")
        ok = ((export_rate >= 0.7 * size_mb / floor_export or args.pages > 0) and export_peak < 200
              and verify_peak < 200 and verified["ok"] is True)
        if args.pages:
            print("         (with --pages the export also carries the responses, which the floor does not: "
                  "the ratio above is not a target then)")
        if args.pages:
            ok = _compare_web_archive(store.root, case.id, work, args.pages, text_mb) and ok
        print("targets met" if ok else "TARGET MISSED")
        return 0 if ok else 1


def _record_page(case, n: int) -> int:  # type: ignore[no-untyped-def]
    """One page's responses, as a social site sends them: HTML, scripts, JSON posts kept; pictures hash-only."""
    import hashlib
    import random

    from evidence_app.web.bodies import BodyRule
    from evidence_app.web.responses import BodyRecord, PageResponses, ResponseRecord, TlsRecord

    rng = random.Random(n)
    words = ["post", "comment", "reply", "share", "like", "pupil", "message", "thread", "photo", "group"]
    base = f"https://site{n % 37}.example"
    tls = TlsRecord("TLS 1.3", "AES_128_GCM", f"site{n % 37}.example", "Example CA")
    responses, bodies = [], {}
    for index, (mime, kind, size) in enumerate([("text/html", "Document", 80_000)] + [("text/javascript", "Script",
                                               60_000)] * 6 + [("application/json", "XHR", 20_000)] * 4
                                               + [("image/jpeg", "Image", 0)] * 15):
        url = f"{base}/{'page' if index == 0 else 'r'}/{n}/{index}"
        if size:
            body = " ".join(f"{rng.choice(words)}-{rng.randrange(100_000)}" for _ in range(size // 12)).encode()
            digest = hashlib.sha256(body).hexdigest()
            bodies[digest] = body
            record = BodyRecord(BodyRule.KEEP, digest, len(body))
        else:
            record = BodyRecord(BodyRule.HASH_ONLY, hashlib.sha256(url.encode()).hexdigest(), 150_000)
        responses.append(ResponseRecord("GET", url, 200, {"Host": base[8:], "User-Agent": "Mozilla/5.0"},
                                        {"Content-Type": mime, "Server": "bench"}, "203.0.113.9", 443, "h2", mime,
                                        kind, size or 150_000, 1.76e9 + n, body=record, tls=tls))
    case.record_responses(PageResponses(f"{base}/page/{n}/0", tuple(responses), bodies))
    return sum(len(body) for body in bodies.values())


def _compare_web_archive(root: Path, case_id: str, work: Path, pages: int, text_mb: float) -> bool:
    """The export with the WACZ against without it, twice each, alternating; the faster of each."""
    times: dict[str, list[float]] = {"with": [], "without": []}
    peaks: dict[str, float] = {}
    size = 0
    for round_ in range(2):
        for variant in ("with", "without"):
            out = work / f"usb-{variant}-{round_}"
            out.mkdir()
            answer, peak = _child(CHILD_EXPORT, str(root), case_id, str(out), str(work / "form.pdf"),
                                  *(["without-wacz"] if variant == "without" else []))
            times[variant].append(float(answer["seconds"]))  # type: ignore[arg-type]
            peaks[variant] = max(peaks.get(variant, 0.0), peak)
            if variant == "with":
                verified, _ = _child(CHILD_VERIFY, str(answer["folder"]))
                if verified["ok"] is not True:
                    print("the export with the WACZ did not verify")
                    return False
    with_, without = min(times["with"]), min(times["without"])
    print(f"web archive: {pages} pages' responses ({text_mb:.0f} MB of kept text): export with the WACZ "
          f"{with_:.1f} s, without {without:.1f} s: {with_ / without:.2f}x, +{with_ - without:.1f} s "
          f"({(with_ - without) / pages * 1000:.0f} ms a page); peak memory {peaks['with']:.0f} MB with, "
          f"{peaks['without']:.0f} MB without")
    return peaks["with"] < 200


if __name__ == "__main__":
    sys.exit(main())
