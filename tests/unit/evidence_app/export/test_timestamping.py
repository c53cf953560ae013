"""RFC 3161 time stamps on the export's tag manifest, with a local TSA and openssl as the outside checker."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from evidence_app import verify_bundle
from evidence_app.export.timestamping import TimestampError, check_token, request_token
from tests.helpers.bundles import export, members, repack
from tests.helpers.tsa import Reply, hostile_tsa, local_tsa


def test_a_token_covers_exactly_its_data() -> None:
    with local_tsa() as url:
        token = request_token(url, b"tag manifest")
    info = check_token(token, b"tag manifest", roots=None)
    assert "Test Time-Stamp Authority" in info.authority and info.time.endswith("Z")
    with pytest.raises(TimestampError, match="changed after"):
        check_token(token, b"tag manifest!", roots=None)
    damaged = bytearray(token)
    damaged[-10] ^= 1
    with pytest.raises(TimestampError):
        check_token(bytes(damaged), b"tag manifest", roots=None)


def test_an_absent_authority_is_a_clear_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TimestampError, match="did not answer"):
        request_token(f"http://127.0.0.1:{port}/tsa", b"x", timeout=2)
    with pytest.raises(TimestampError, match="http"):
        request_token("file:///etc/passwd", b"x")


def test_the_export_is_time_stamped_and_checked(case, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    ca_file = tmp_path / "tsa.pem"
    with local_tsa(ca_file) as url:
        result = export(case, usb, tsa_url=url)
    report = verify_bundle(result.folder, result.passphrase, trust_roots=ca_file)
    assert report.ok, report.text()
    assert any("RFC 3161 time stamp" in check for check in report.checks)
    assert "openssl ts -verify" in result.readme.read_text()
    if shutil.which("openssl"):
        bag = tmp_path / "bag"
        bag.mkdir()
        for info, data in members(result):
            if info.name.endswith(("tagmanifest-sha256.txt", ".tsr")):
                (bag / Path(info.name).name).write_bytes(data)
        done = subprocess.run(["openssl", "ts", "-verify", "-data", str(bag / "tagmanifest-sha256.txt"), "-in",
                               str(bag / "tagmanifest-sha256.txt.tsr"), "-token_in", "-CAfile", str(ca_file)],
                              capture_output=True, text=True)
        assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stdout + done.stderr


def test_a_token_from_another_export_is_caught(case, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with local_tsa() as url:
        first = export(case, tmp_path / "a", tsa_url=url)
        second = export(case, tmp_path / "b", tsa_url=url)
    foreign = [d for i, d in members(second) if i.name.endswith(".tsr")][0]
    repack(first, lambda items: [(i, foreign if i.name.endswith(".tsr") else d) for i, d in items])
    report = verify_bundle(first.folder, first.passphrase)
    assert not report.ok and report.problems[0].file == "tagmanifest-sha256.txt.tsr"


def test_no_bundle_is_left_when_the_authority_fails(case, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    with pytest.raises(TimestampError):
        export(case, usb, tsa_url="http://127.0.0.1:9/tsa")
    assert list(usb.iterdir()) == []


@pytest.mark.parametrize("reply", [
    lambda genuine: Reply(b"<html><h1>502 Bad Gateway</h1></html>", content_type="text/html"),
    lambda genuine: Reply(genuine[: len(genuine) - 200]),
    lambda genuine: Reply(b"<html>Internal Server Error</html>", status=500, content_type="text/html"),
], ids=["html-page", "cut-token", "http-500"])
def test_a_hostile_authority_leaves_a_sentence_and_no_bundle(case, tmp_path: Path, reply) -> None:
    """A broken or hostile time server's answer ends the export in a sentence (vault.rfc3161), nothing written."""
    usb = tmp_path / "usb"
    usb.mkdir()
    with hostile_tsa(reply) as url, pytest.raises(TimestampError) as refused:
        export(case, usb, tsa_url=url)
    assert str(refused.value).startswith(("The answer from", "The time-stamp authority")), refused.value
    assert list(usb.iterdir()) == []
