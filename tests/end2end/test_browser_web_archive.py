"""Real pages browsed, exported, decrypted: the WACZ in the bag passes py-wacz and warcio, and holds no picture.

The HTTP page is browsed in the review browser (its responses journaled as a pair would);
the HTTPS page is loaded by the recorder on a page that accepts the test CA (the review
browser refuses it, rightly) and its record is handed to the case the same way.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evidence_app import Kind, verify_bundle
from evidence_app.export.web_archive import WACZ_FILE
from tests.helpers.browser import browser, events, load, record_trusting_the_test_ca, wait_for  # noqa: F401
from tests.helpers.bundles import export, members, plaintext
from tests.helpers.responses_site import BODIES, IMAGE, ResponsesSite
from tests.helpers.web_archive import (
    assert_py_wacz_valid,
    every_layer,
    indexed_by_webrecorder,
    our_index,
    warc_records,
)


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[ResponsesSite, ResponsesSite]]:
    plain, secure = ResponsesSite().start(), ResponsesSite(tls=True).start()
    try:
        yield plain, secure
    finally:
        plain.stop()
        secure.stop()


def _secure_record(qtbot: Any, site: ResponsesSite) -> Any:
    return record_trusting_the_test_ca(qtbot, f"{site.base}/page")


def test_browsed_pages_exported_make_a_wacz_the_webrecorder_tools_accept(browser, case, sites, qtbot,
                                                                           usb: Path, tmp_path: Path) -> None:
    plain, secure = sites
    tab = browser.current_tab()
    wait_for(qtbot, lambda: tab.responses.is_ready, timeout=20_000)
    assert load(qtbot, browser, f"{plain.base}/page")
    wait_for(qtbot, lambda: [e for e in events(case, Kind.RESPONSES) if e.data["page_url"] == f"{plain.base}/page"],
             timeout=15_000)
    browser.flush()
    case.record_responses(_secure_record(qtbot, secure))

    result = export(case, usb)
    assert verify_bundle(result.folder, result.passphrase).ok
    files = {info.name.split("/", 1)[1]: data for info, data in members(result) if info.isfile()}
    wacz = files[f"data/{WACZ_FILE}"]
    assert_py_wacz_valid(wacz, tmp_path)

    records = warc_records(wacz)  # every record read by warcio, each digest checked
    responses = {headers["WARC-Target-URI"]: (headers, http, payload) for kind, headers, http, payload in records
                 if kind == "response"}
    withheld = {headers["WARC-Target-URI"]: payload.decode() for kind, headers, _, payload in records
                if kind == "metadata"}
    for site in (plain, secure):
        headers, http, payload = responses[f"{site.base}/page"]
        assert payload == BODIES["/page"][1] and headers["WARC-IP-Address"] == "127.0.0.1"
        assert b"X-Evidence-Test: page" in http
        assert responses[f"{site.base}/posts.json"][2] == BODIES["/posts.json"][1]
        assert f"evidence-body-sha256: {hashlib.sha256(IMAGE).hexdigest()}" in withheld[f"{site.base}/image.png"]
    assert "tls/1." in responses[f"{secure.base}/page"][0]["WARC-Protocol"]
    assert our_index(wacz) == indexed_by_webrecorder(wacz)
    assert [line for line in zipfile.ZipFile(io.BytesIO(wacz)).read("pages/pages.jsonl").decode().splitlines()
            if f"{plain.base}/page" in line or f"{secure.base}/page" in line]

    # The image rule: no picture in the decrypted bundle, nor in any layer of the WACZ (zip, gzip members).
    assert IMAGE not in plaintext(result) and IMAGE[16:48] not in plaintext(result)
    for layer in every_layer(wacz):
        assert b"\x89PNG" not in layer and IMAGE[16:48] not in layer
