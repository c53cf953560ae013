"""The form names the server that answered each page: its IP address and port, and its certificate's subject."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from evidence_app.form.data import VISIT_LIST_LIMIT, Server, gather
from evidence_app.form.render import render_form
from evidence_app.web.bodies import BodyRule
from evidence_app.web.responses import BodyRecord, PageResponses, ResponseRecord, TlsRecord
from tests.helpers.images import make_png

SUBJECT = "*.social.example"
ISSUER = "Example Issuing CA 2"


def _page(url: str, ip: str, port: int, *, tls: bool) -> PageResponses:
    certificate = TlsRecord("TLS 1.3", "AES_128_GCM", SUBJECT, ISSUER) if tls else None
    document = ResponseRecord("GET", url, 200, {}, {"Content-Type": "text/html"}, ip, port, "http/1.1",
                              "text/html", "Document", 500, 1.76e9, body=BodyRecord(BodyRule.KEEP, "00" * 32, 0),
                              tls=certificate)
    return PageResponses(url, (document,))


def reviewed(case):
    """Three visits: over HTTPS (recorded), over plain HTTP on IPv6 (recorded), one not recorded; a capture of concern."""
    case.record_visit("https://social.example/profile/9b", title="Profile")
    case.record_responses(_page("https://social.example/profile/9b", "203.0.113.45", 443, tls=True))
    case.add_capture(make_png(64, 48), kind="viewport", url="https://social.example/profile/9b",
                     concern="threatening-behaviour", note="Threatening post.")
    case.record_visit("http://old.example/forum", title="Forum")
    case.record_responses(_page("http://old.example/forum", "2001:db8::7", 8080, tls=False))
    case.record_visit("https://unrecorded.example/", title="Before recording")
    return case


def test_each_visit_and_the_concern_row_name_their_server(case) -> None:
    data = gather(reviewed(case))
    servers = {visit.url: visit.server for visit in data.visits}
    assert servers["https://social.example/profile/9b"] == Server("203.0.113.45", 443, SUBJECT, ISSUER)
    assert servers["http://old.example/forum"] == Server("2001:db8::7", 8080)
    assert servers["http://old.example/forum"].address == "[2001:db8::7]:8080"
    assert servers["https://unrecorded.example/"] is None
    row = next(row for row in data.rows if row.where == "https://social.example/profile/9b")
    assert row.server is not None and row.server.ip == "203.0.113.45" and row.server.subject == SUBJECT


def test_a_second_visit_of_an_address_gets_its_own_record(case) -> None:
    case.record_visit("https://a.example/")
    case.record_visit("https://a.example/")
    case.record_responses(_page("https://a.example/", "192.0.2.1", 443, tls=True))
    case.record_responses(_page("https://a.example/", "192.0.2.2", 443, tls=True))
    assert [visit.server.ip for visit in gather(case).visits] == ["192.0.2.1", "192.0.2.2"]


def test_a_long_review_lists_each_sites_servers(case) -> None:
    for index in range(VISIT_LIST_LIMIT + 1):
        url = f"https://social.example/p/{index}"
        case.record_visit(url)
        if index < 3:
            case.record_responses(_page(url, f"198.51.100.{index % 2 + 1}", 443, tls=True))
    summary = gather(case).visit_summary
    assert summary is not None
    assert summary.sites[0].site == "social.example" and summary.sites[0].servers == ("198.51.100.1", "198.51.100.2")


@pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                    reason="poppler-utils (pdftotext, pdftoppm) is not installed")
def test_the_printed_form_shows_them(case, tmp_path: Path) -> None:
    path = tmp_path / "form.pdf"
    path.write_bytes(render_form(reviewed(case)))
    text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                                        capture_output=True, check=True).stdout.decode())
    table = text[text.index("Web site address / device and reason for concern"):text.index("Conclusion and action")]
    assert "Server 203.0.113.45:443; certificate: *.social.example" in " ".join(table.split())
    log = " ".join(text[text.index("log of visited addresses"):].split())
    for expected in ("Server (IP) and certificate", "203.0.113.45:443", SUBJECT, f"issued by {ISSUER}",
                     "[2001:db8::7]:8080", "no certificate (not HTTPS)", "not recorded"):
        assert expected in log, expected
    # For a person to look at: the log's page as a picture.
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(tmp_path / "page")], check=True)
    assert sorted(tmp_path.glob("page-*.png"))
