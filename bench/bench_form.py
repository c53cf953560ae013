"""Form benchmark: the signed incident form of a case with 200 screenshots (target: under 10 s).

Prints figures, and ratios against floors measured in the same run on the
same images, because the machines are shared and noisy:

* floor "reportlab images": a bare reportlab canvas drawing the same 200 PNGs
  one per page with ``drawImage`` (reportlab decodes and recompresses each),
  no text, no layout, no signature;
* floor "pass-through images": the same, with the PNG data written as it is
  (what the form does), so the difference to the form is text, layout,
  reading the vault and the signature;
* "read captures": decrypting and re-hashing the 200 captures from the vault.

    .venv/bin/python -m bench.bench_form [--captures 200] [--width 1280 --height 800] [--visits 0]

``--captures 2000 --width 100 --height 100 --visits 20000`` is the shape of a long
review (the form then summarises the visits by site); the peak memory of the whole
run is printed too (target < 200 MB, as for an export, which makes a form).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from evidence_app.form.images import prepare_png
from evidence_app.form.render import render_form
from tests.helpers.cases import make_store
from tests.unit.evidence_app.form.test_form_cases import big_case


def floor_reportlab(pngs: list[bytes]) -> tuple[float, int]:
    started = time.perf_counter()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for png in pngs:
        pdf.drawImage(ImageReader(io.BytesIO(png)), 40, 300, width=515, height=322)
        pdf.showPage()
    pdf.save()
    return time.perf_counter() - started, len(buffer.getvalue())


def floor_passthrough(pngs: list[bytes]) -> tuple[float, int]:
    from evidence_app.form.images import image_name

    started = time.perf_counter()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for png in pngs:
        name = image_name(pdf, prepare_png(png))
        pdf.saveState()
        pdf.translate(40, 300)
        pdf.scale(515, 322)
        pdf._code.append(f"/{name} Do")
        pdf.restoreState()
        pdf.showPage()
    pdf.save()
    return time.perf_counter() - started, len(buffer.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=200)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=2, help="renders of the form (the best is reported)")
    parser.add_argument("--visits", type=int, default=0, help="visits journaled besides the captures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        case = big_case(make_store(Path(folder) / "cases"), args.captures, width=args.width, height=args.height)
        for n in range(args.visits):
            case.record_visit(f"https://site{n % 113}.example/page/{n}?q={n * 7}", title=f"Page {n} of the review")
        built = time.perf_counter() - started
        try:
            started = time.perf_counter()
            pngs = [case.read_capture(c.id) for c in case.captures()]
            read = time.perf_counter() - started
            png_bytes = sum(len(p) for p in pngs)
            rl_time, rl_size = floor_reportlab(pngs)
            pass_time, pass_size = floor_passthrough(pngs)
            times = []
            pdf = b""
            for _ in range(args.rounds):
                started = time.perf_counter()
                pdf = render_form(case)
                times.append(time.perf_counter() - started)
        finally:
            case.lock()
    form_time = min(times)
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
    print(f"case: {args.captures} captures of {args.width}x{args.height} px, PNGs {png_bytes / 1e6:.1f} MB "
          f"(made in {built:.1f} s, not counted)")
    print(f"form (read, lay out, sign): {form_time:6.2f} s  {len(pdf) / 1e6:6.1f} MB  ~{pages} pages  "
          f"target < 10 s: {'met' if form_time < 10 else 'MISSED'}")
    print(f"floor, reportlab images:    {rl_time:6.2f} s  {rl_size / 1e6:6.1f} MB   form / floor = "
          f"{form_time / rl_time:.2f}")
    print(f"floor, pass-through images: {pass_time:6.2f} s  {pass_size / 1e6:6.1f} MB   form / floor = "
          f"{form_time / pass_time:.2f}")
    print(f"read captures (decrypt + SHA-256): {read:.2f} s")
    print(f"file size / PNG bytes = {len(pdf) / png_bytes:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if resource else float("nan")
    print(f"peak memory of the whole run (building the case included): {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
