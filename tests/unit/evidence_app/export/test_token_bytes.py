"""The exported RFC 3161 token's bytes: verify names any token not exactly as its authority wrote it.

No manifest lists ``tagmanifest-sha256.txt.tsr``, and the authority signs only part of it.
Each attack here changes a part the authority does not sign (or respells what it does) and
keeps everything the signature checks sound: the token must still be named as changed, in a
sentence, never a traceback. Tokens come from pyHanko's test time stamper, the one the local
test authority (``tests/helpers/tsa.py``) serves.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper
from rfc3161_client import (
    HashAlgorithm,
    TimestampRequestBuilder,
    decode_timestamp_response,
)

from evidence_app import verify_bundle
from evidence_app.export.timestamping import (
    TimestampError,
    check_exported_token,
    request_token,
)
from tests.helpers.bundles import export, info, members, repack
from tests.helpers.tsa import local_tsa

DATA = b"the tag manifest"
NOW = dt.datetime.now(dt.UTC)


def _certificate(name: str, key, issuer: tuple[x509.Certificate, object] | None = None, *,
                 tsa: bool) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer[0].subject if issuer else subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(NOW - dt.timedelta(days=1)).not_valid_after(NOW + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=not tsa, path_length=None), critical=True))
    if tsa:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256())  # type: ignore[arg-type]


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _token(certificate: x509.Certificate, key, embed: list[x509.Certificate] = ()) -> bytes:  # type: ignore[assignment]
    from asn1crypto import keys
    stamper = DummyTimeStamper(tsa_cert=_asn1(certificate), certs_to_embed=[_asn1(c) for c in embed],
                               tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(
                                   serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())))
    request = TimestampRequestBuilder().data(DATA).hash_algorithm(HashAlgorithm.SHA256).build()
    answer = stamper.request_tsa_response(tsp.TimeStampReq.load(request.as_bytes())).dump()
    return decode_timestamp_response(answer).time_stamp_token()


class _ModernStamper(DummyTimeStamper):
    """pyHanko's test stamper signing as many authorities do today: its certificate named by SHA-256
    (ESSCertIDv2, RFC 5816) rather than SHA-1, and, with an EC key, ECDSA."""

    def __init__(self, *args, private_key, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._private_key = private_key

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, when: dt.datetime):
        import hashlib

        from asn1crypto import core
        from pyhanko.sign.general import simple_cms_attribute

        named = tsp.SigningCertificateV2({"certs": [{"cert_hash": hashlib.sha256(self.tsa_cert.dump()).digest()}]})
        attributes = cms.CMSAttributes([
            simple_cms_attribute("content_type", "tst_info"),
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(when)})),
            simple_cms_attribute("signing_certificate_v2", named),
            simple_cms_attribute("message_digest", hashlib.new(md_algorithm, tst_info_data).digest())])
        if isinstance(self._private_key, ec.EllipticCurvePrivateKey):
            return self._private_key.sign(attributes.dump(), ec.ECDSA(hashes.SHA256())), attributes
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        return self._private_key.sign(attributes.dump(), PKCS1v15(), hashes.SHA256()), attributes

    def _build_signed_data(self, *args, **kwargs) -> dict:
        built = super()._build_signed_data(*args, **kwargs)
        if isinstance(self._private_key, ec.EllipticCurvePrivateKey):
            built["signer_infos"][0]["signature_algorithm"] = {"algorithm": "sha256_ecdsa"}
        return built


def _modern_token(private_key) -> tuple[bytes, list[x509.Certificate]]:
    from asn1crypto import keys

    certificate = _certificate("Modern Time-Stamp Authority", private_key, tsa=True)
    stamper = _ModernStamper(tsa_cert=_asn1(certificate), private_key=private_key,
                             tsa_key=keys.PrivateKeyInfo.load(private_key.private_bytes(
                                 serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())))
    request = TimestampRequestBuilder().data(DATA).hash_algorithm(HashAlgorithm.SHA256).build()
    answer = stamper.request_tsa_response(tsp.TimeStampReq.load(request.as_bytes())).dump()
    return decode_timestamp_response(answer).time_stamp_token(), [certificate]


@pytest.fixture(scope="module")
def authority() -> tuple[bytes, list[x509.Certificate]]:
    """A token by a self-signed authority (like the local test TSA), and the roots that trust it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = _certificate("Test Time-Stamp Authority", key, tsa=True)
    return _token(certificate, key), [certificate]


@pytest.fixture(scope="module")
def chained() -> tuple[bytes, list[x509.Certificate], x509.Certificate]:
    """A token by an authority a root vouches for through an intermediate, both carried in the token."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _certificate("Test Root", root_key, tsa=False)
    middle_key = ec.generate_private_key(ec.SECP256R1())
    middle = _certificate("Test Intermediate", middle_key, (root, root_key), tsa=False)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = _certificate("Chained Time-Stamp Authority", key, (middle, middle_key), tsa=True)
    return _token(leaf, key, [middle, root]), [root], middle


def _refused(token: bytes, roots: list[x509.Certificate], words: str) -> str:
    with pytest.raises(TimestampError) as caught:
        check_exported_token(token, DATA, roots=roots)
    assert words in str(caught.value), str(caught.value)
    return str(caught.value)


def _edited(token: bytes, change) -> bytes:
    content = cms.ContentInfo.load(token)
    change(content["content"])
    return content.dump(force=True)


def test_genuine_tokens_pass_alone_and_through_a_chain(authority, chained) -> None:
    token, roots = authority
    assert "Test Time-Stamp Authority" in check_exported_token(token, DATA, roots=roots).authority
    token, roots, _ = chained
    assert "Chained" in check_exported_token(token, DATA, roots=roots).authority


@pytest.mark.parametrize("kind", ["rsa", "ecdsa"])
def test_genuine_tokens_naming_their_certificate_by_sha256_pass(kind) -> None:
    """No false alarm on the other spellings real authorities use: ESSCertIDv2 and an ECDSA signature."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if kind == "rsa" else \
        ec.generate_private_key(ec.SECP256R1())
    token, roots = _modern_token(key)
    assert "Modern" in check_exported_token(token, DATA, roots=roots).authority
    if kind == "ecdsa":
        def named_rsa(signed) -> None:
            signed["signer_infos"][0]["signature_algorithm"] = {"algorithm": "sha256_rsa"}

        _refused(_edited(token, named_rsa), roots, "does not fit the authority's key and digest")
    flipped = bytearray(token)
    flipped[token.index(roots[0].public_bytes(serialization.Encoding.DER)) + 200] ^= 0x01
    _refused(bytes(flipped), roots, "its certificate is not the one the authority's signature names")


@pytest.mark.parametrize("tail", [b"\x00", b"\x00\x00", b"extra words"], ids=["zero", "end-of-contents", "text"])
def test_bytes_after_the_token_are_named(authority, tail) -> None:
    """rfc3161-client (through asn1crypto) read the token and ignored what followed it."""
    token, roots = authority
    _refused(token + tail, roots, "bytes after the end of the token")


def test_the_token_respelt_with_an_indefinite_length_is_named(authority) -> None:
    """BER's indefinite length, the same token to a lenient reader: the outer header is re-made before checking."""
    token, roots = authority
    assert token[:2] == b"\x30\x82"
    _refused(b"\x30\x80" + token[4:] + b"\x00\x00", roots, "not spelt in DER")


def test_the_envelopes_version_changed_is_named(authority) -> None:
    """Found by flipping each byte: SignedData's version 3 flipped to 2 still verified."""
    token, roots = authority
    flipped = bytearray(token)
    assert flipped[23:26] == b"\x02\x01\x03"  # SEQUENCE(4) [0](4) SEQUENCE(4), then INTEGER 3
    flipped[25] ^= 0x01
    _refused(bytes(flipped), roots, "envelope's version")


@pytest.mark.parametrize("where", ["subject", "public key", "signature"])
def test_a_flip_in_the_authoritys_certificate_is_named(authority, where) -> None:
    """Found by flipping each byte: the embedded certificate was not checked at all when its authority is a
    trusted root (OpenSSL used the root's copy), so its name, key and signature could be changed."""
    token, roots = authority
    certificate = roots[0].public_bytes(serialization.Encoding.DER)
    start = token.index(certificate)
    offset = {"subject": certificate.rindex(b"Test Time-Stamp Authority"),
              "public key": certificate.index(roots[0].public_key().public_bytes(
                  serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)) + 40,
              "signature": len(certificate) - 5}[where]
    flipped = bytearray(token)
    flipped[start + offset] ^= 0x01
    _refused(bytes(flipped), roots, "its certificate is not the one the authority's signature names")


def test_a_flip_in_the_name_of_the_signature_algorithm_is_named(authority) -> None:
    """Found by flipping each byte: rsaEncryption's OID changed to an unknown one still verified."""
    token, roots = authority
    rsa_encryption = bytes.fromhex("2a864886f70d010101")
    flipped = bytearray(token)
    flipped[token.rindex(rsa_encryption) + len(rsa_encryption) - 1] ^= 0x01
    _refused(bytes(flipped), roots, "signature algorithm")


def test_the_signature_algorithm_named_with_another_digest_is_named(authority) -> None:
    token, roots = authority

    def sha512_rsa(signed) -> None:
        signed["signer_infos"][0]["signature_algorithm"] = {"algorithm": "sha512_rsa"}

    _refused(_edited(token, sha512_rsa), roots, "does not fit the authority's key and digest")


def test_another_digest_algorithm_listed_is_named(authority) -> None:
    token, roots = authority

    def listed(signed) -> None:
        signed["digest_algorithms"] = [{"algorithm": "sha256"}, {"algorithm": "sha512"}]

    _refused(_edited(token, listed), roots, "list of digest algorithms")


def test_an_unsigned_attribute_added_is_named(authority) -> None:
    token, roots = authority

    def unsigned(signed) -> None:
        signer = signed["signer_infos"][0]
        signer["unsigned_attrs"] = [signer["signed_attrs"][0].copy()]  # its content type, again

    _refused(_edited(token, unsigned), roots, "unsigned attributes")


def test_the_signer_named_in_another_string_type_is_named(authority) -> None:
    """The signer's name (which the authority does not sign) respelt as PrintableString, the certificate's being
    UTF8String: the same name to OpenSSL and to cryptography, other bytes on disk."""
    token, roots = authority

    def respelt(signed) -> None:
        sid = signed["signer_infos"][0]["sid"].chosen
        sid["issuer"] = asn1_x509.Name.build({"common_name": "Test Time-Stamp Authority"}, use_printable=True)

    _refused(_edited(token, respelt), roots, "its signer is not named exactly as its certificate names the authority")


def test_a_certificate_added_that_links_nothing_is_named(authority, chained) -> None:
    token, roots = authority
    _, _, stranger = chained

    def added(signed) -> None:
        signed["certificates"] = [*list(signed["certificates"]), cms.CertificateChoices({"certificate": _asn1(stranger)})]

    text = _refused(_edited(token, added), roots, "does not link the authority to a root you trust")
    assert "Test Intermediate" in text


def test_a_flip_in_the_carried_intermediate_is_named(chained) -> None:
    token, roots, middle = chained
    certificate = middle.public_bytes(serialization.Encoding.DER)
    flipped = bytearray(token)
    flipped[token.index(certificate) + len(certificate) - 3] ^= 0x01  # in its signature
    _refused(bytes(flipped), roots, "no authority you trust vouches for it")


def test_every_flipped_bit_of_a_token_is_named_never_a_traceback(authority) -> None:
    """Each byte with its lowest and highest bit flipped. Before this rule, of the 13,808 single-bit flips of a
    1,726-byte token from the local authority, 4,929 still verified (most in its certificate) and 73 raised a
    traceback (a certificate version no X.509 has, a tag asn1crypto does not know)."""
    token, roots = authority
    passed = []
    for offset in range(len(token)):
        for bit in (0x01, 0x80):
            flipped = bytearray(token)
            flipped[offset] ^= bit
            try:
                check_exported_token(bytes(flipped), DATA, roots=roots)
            except TimestampError:
                continue
            passed.append((offset, bit))
    assert passed == []


@pytest.fixture
def stamped(case, tmp_path: Path):
    usb = tmp_path / "usb"
    usb.mkdir()
    ca_file = tmp_path / "tsa.pem"
    with local_tsa(ca_file) as url:
        result = export(case, usb, tsa_url=url)
    assert verify_bundle(result.folder, result.passphrase, trust_roots=ca_file).ok
    return result, ca_file


def test_a_bundle_whose_token_has_bytes_after_it_is_not_intact(stamped) -> None:
    result, ca_file = stamped
    repack(result, lambda items: [(i, d + b"\x00" if i.name.endswith(".tsr") else d) for i, d in items])
    report = verify_bundle(result.folder, result.passphrase, trust_roots=ca_file)
    assert [p.file for p in report.problems] == ["tagmanifest-sha256.txt.tsr"], report.text()
    assert "changed after the authority made it: there are bytes after the end of the token" in report.text()


def test_a_token_taken_out_of_a_time_stamped_bundle_is_named(stamped) -> None:
    """Found by the property test: with the token dropped, the bag verified as one never time-stamped."""
    result, ca_file = stamped
    repack(result, lambda items: [(i, d) for i, d in items if not i.name.endswith(".tsr")])
    report = verify_bundle(result.folder, result.passphrase, trust_roots=ca_file)
    assert [p.file for p in report.problems] == ["tagmanifest-sha256.txt.tsr"], report.text()
    assert "bag-info.txt says the export was time-stamped" in report.text()


def test_a_token_added_to_a_bundle_exported_without_one_is_named(case, tmp_path: Path) -> None:
    """A genuine token for this very tag manifest, asked for after the export: a file the export did not write."""
    usb = tmp_path / "usb"
    usb.mkdir()
    result = export(case, usb)
    tag_manifest = next(d for i, d in members(result) if i.name.endswith("/tagmanifest-sha256.txt"))
    ca_file = tmp_path / "tsa.pem"
    with local_tsa(ca_file) as url:
        token = request_token(url, tag_manifest)
    repack(result, lambda items: [*items, (info(f"{items[0][0].name.split('/')[0]}/tagmanifest-sha256.txt.tsr"),
                                           token)])
    report = verify_bundle(result.folder, result.passphrase, trust_roots=ca_file)
    assert [p.file for p in report.problems] == ["tagmanifest-sha256.txt.tsr"], report.text()
    assert "added after the export" in report.text()


def test_a_hostile_token_in_the_exported_journal_is_named_never_a_traceback(case, tmp_path: Path) -> None:
    """The journal's own time stamps: its certificate's version flipped to one no X.509 has (cryptography raised
    InvalidVersion through verify). Someone with the case and both passphrases can journal such a record."""
    import base64

    from evidence_app import Kind

    ca_file = tmp_path / "tsa.pem"
    with local_tsa(ca_file) as url:
        token = bytearray(request_token(url, b"anything"))
    version = token.index(bytes.fromhex("a003020102"))  # the certificate's [0] EXPLICIT INTEGER 2 (X.509 v3)
    token[version + 4] = 3
    last = list(case.events())[-1]
    case._append(Kind.TIMESTAMPED, {"seq": last.seq, "head": last.hash, "reason": "hostile", "time": last.time,
                                    "authority": "x", "certificate_sha256": "",
                                    "token": base64.b64encode(bytes(token)).decode()})
    (tmp_path / "usb").mkdir()
    result = export(case, tmp_path / "usb")
    report = verify_bundle(result.folder, result.passphrase, trust_roots=ca_file)
    assert not report.ok
    assert any(p.file == "data/journal/journal.jsonl" and "not a readable RFC 3161 token" in p.detail
               for p in report.problems), report.text()


def test_two_respellings_only_a_deliberate_forger_can_make_are_pinned(authority) -> None:
    """Pinned, not caught: two spellings the standards allow for the same signature, which verify cannot tell
    from the authority's own (the authority signs neither). RSA's signature algorithm may be named
    rsaEncryption or sha256WithRSAEncryption (RFC 5754); an ECDSA signature (r, s) is as valid as (r, n - s).
    No flipped byte makes either (the first changes two bits of an OID; the second most of the signature), and
    neither changes what the token says. Closing them needs the case key to sign the token's bytes at export."""
    from cryptography.hazmat.primitives.asymmetric.utils import (
        decode_dss_signature,
        encode_dss_signature,
    )

    token, roots = authority

    def renamed(signed) -> None:
        signed["signer_infos"][0]["signature_algorithm"] = {"algorithm": "sha256_rsa"}

    assert _edited(token, renamed) != token
    check_exported_token(_edited(token, renamed), DATA, roots=roots)

    token, roots = _modern_token(ec.generate_private_key(ec.SECP256R1()))
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # P-256's

    def negated(signed) -> None:
        r, s = decode_dss_signature(signed["signer_infos"][0]["signature"].native)
        signed["signer_infos"][0]["signature"] = encode_dss_signature(r, order - s)

    assert _edited(token, negated) != token
    check_exported_token(_edited(token, negated), DATA, roots=roots)


def test_bag_info_naming_another_file_as_the_time_stamp_is_named(case, tmp_path: Path) -> None:
    """bag-info.txt is covered by the signed tag manifest: only the case key's holder could write this line."""
    from tests.unit.evidence_app.export.test_verify_decides import _rebuild

    usb = tmp_path / "usb"
    usb.mkdir()
    result = export(case, usb)

    def declared(files: dict[str, bytes]) -> None:
        files["bag-info.txt"] += b"Time-Stamp-Token: elsewhere.tsr\n"

    _rebuild(result, case, declared)
    report = verify_bundle(result.folder, result.passphrase)
    assert [p.file for p in report.problems] == ["bag-info.txt"], report.text()
    assert "'elsewhere.tsr' as the time stamp's file" in report.text()
