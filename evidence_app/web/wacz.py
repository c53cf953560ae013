"""The recorded responses as a WACZ (Web Archive Collection Zipped, 1.1.1), for the police export.

Examiners open web evidence with the Webrecorder tools (ReplayWeb.page, py-wacz,
warcio); this module writes the pages' :class:`~evidence_app.web.responses.PageResponses`
in the form those tools read::

    archive/data.warc.gz      WARC 1.1 (records made by warcio), one gzip member per record
    indexes/index.cdxj        one line per response record: SURT key, time, offset, length, digest
    pages/pages.jsonl         each recorded page: its address and time
    datapackage.json          each file above with its SHA-256 and size
    datapackage-digest.json   the SHA-256 of datapackage.json

Each response becomes a ``request`` record (method, address, headers as sent) and,
when its body was kept, a ``response`` record (status, headers as received, the
kept text body; ``WARC-IP-Address`` is the server's). **A body that was not kept
(pictures, films, sounds, fonts, anything withheld) never becomes payload**: its
response is a ``metadata`` record of WARC fields holding the status, the headers,
and the body's SHA-256, size and type, marked ``evidence-body-kept: no``. The
rule is checked here again (the type, how the browser loaded it, and the first
bytes), so a record that somehow held a picture still does not put it in the WARC.

The bytes are produced as a stream of chunks (:func:`wacz_chunks`), one page at a
time, and are the same on every run for the same pages: the export measures them
once (size and SHA-256, for the tar header and the manifest) and streams them into
the encrypted bag a second time, so nothing is written to disk in plaintext and
memory holds one page's record at a time. Record IDs are derived, not random, and
dates come from the records, for that reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote, quote_from_bytes, unquote_to_bytes, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from evidence_app import __version__
from evidence_app.web.bodies import MEDIA_RESOURCE_TYPES, BodyRule, essence, is_text_like, looks_like_media
from evidence_app.web.responses import PageResponses, ResponseRecord

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
WARC_PATH = f"archive/{WARC_NAME}"
INDEX_PATH = "indexes/index.cdxj"
PAGES_PATH = "pages/pages.jsonl"
GZIP_LEVEL = 1  # each record's gzip member: 100 MB/s on text, against 9 MB/s at level 9, for 20 % more bytes
_URL_SAFE = "/?&=;:@!$'()*+,~%#[]-._"  # kept as they are in a request line's target; the rest escaped
# Headers that describe the bytes on the wire, not the body kept (the browser gives bodies decoded):
# kept under another name so a replay tool does not try to decode the body a second time.
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


@dataclass(frozen=True)
class RecordedPage:
    """One page for the archive: the case's record number for it (``R0001``), when it was journaled, its record."""

    record_id: str
    recorded_at: str   # the journal's UTC time of the ``responses`` record
    page: PageResponses
    title: str = ""    # the page's title, as its visit journaled it


def payload_allowed(response: ResponseRecord, body: bytes | None) -> bool:
    """Whether ``body`` may be the payload of a response record: a kept text body, nothing else, ever."""
    record = response.body
    return (record is not None and body is not None and record.rule is BodyRule.KEEP
            and hashlib.sha256(body).hexdigest() == record.sha256
            and is_text_like(response.mime_type) and response.resource_type not in MEDIA_RESOURCE_TYPES
            and not looks_like_media(body[:64]))


def surt_key(url: str) -> str:
    """The URL's sort key as Webrecorder's and the Internet Archive's indexes make it (SURT).

    ``https://www.Example.com:8443/a/B?z=1&a=2#x`` -> ``com,example:8443)/a/b?a=2&z=1``: no scheme,
    the host's labels reversed (``www`` dropped), the default port dropped, everything in lower
    case, the query's arguments sorted, no fragment.
    """
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").strip(".")
        port = parts.port
    except ValueError:
        return url
    if not host:
        return url.lower()
    labels = host.split(".")
    if re.fullmatch(r"www\d*", labels[0]) and len(labels) > 1:
        labels = labels[1:]
    key = ",".join(reversed(labels))
    if port is not None and port != {"http": 80, "https": 443}.get(parts.scheme.lower()):
        key += f":{port}"
    path = _minimal_escape(parts.path or "/")
    query = "&".join(sorted(_minimal_escape(parts.query).lower().split("&"))) if parts.query else ""
    return f"{key}){path}{'?' + query if query else ''}".lower()


def _minimal_escape(text: str) -> str:
    """Unescaped until nothing changes, then escaped once outside printable ASCII (as the SURT canonicalizer does)."""
    data = text.encode("utf-8", "surrogatepass")
    while (unescaped := unquote_to_bytes(data)) != data:
        data = unescaped
    return quote_from_bytes(data, safe="!\"$&'()*+,-./:;<=>?@[\\]^_`{|}~")


def safe_uri(url: str) -> str:
    """The address with spaces and control characters escaped: a WARC header and a CDXJ line are one line each."""
    return re.sub(r"[\x00-\x20\x7f]", lambda found: f"%{ord(found.group()):02X}", url)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def warc_date(seconds: float) -> str:
    """A time in seconds since 1970 as WARC 1.1 writes it, to the microsecond; odd values (NaN, far future) clamped."""
    if not math.isfinite(seconds):
        seconds = 0.0
    # Added to 1970 rather than fromtimestamp(), which Windows refuses past the year 3000.
    moment = _EPOCH + dt.timedelta(seconds=min(max(seconds, 0.0), 253_402_300_799.0))  # up to 9999
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _timestamp14(iso: str) -> str:
    return iso[:19].replace("-", "").replace(":", "").replace("T", "")


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # a header's name (RFC 9110)


def _ascii(text: str) -> str:
    """A status line's words as HTTP carries them: printable ASCII (the record's JSON keeps the original)."""
    return "".join(c if " " <= c < "\x7f" else "?" for c in text)


def _header_lines(headers: dict[str, str] | Any) -> list[tuple[str, str]]:
    """Headers as lines: the protocol joins repeated ones with a newline; HTTP/2's ``:`` names are left out.

    A name that is not a header name in HTTP is left out too (the record's JSON keeps every one);
    warcio percent-encodes a value that is not ASCII.
    """
    lines = []
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name):
            continue
        for part in str(value).split("\n"):
            lines.append((name, part.replace("\r", "")))
    return lines


def _field(value: object) -> str:
    return " ".join(str(value).split())


class _Pipe:
    """Where the zip is written: collects bytes for the caller to take, counts them; it cannot seek."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


class _Counting:
    """The zip member the WARC is written into, counting the offset of each record."""

    def __init__(self, target: Any) -> None:
        self._target = target
        self.offset = 0

    def write(self, data: bytes) -> int:
        self._target.write(data)
        self.offset += len(data)
        return len(data)

    def flush(self) -> None:
        pass


class InMemoryWarcWriter(WARCWriter):
    """warcio's writer, never spilling a record to a temporary file (it would be plaintext on disk)."""

    @staticmethod
    def _create_temp_file() -> Any:
        raise RuntimeError("a WARC record without its length would be buffered on disk; refused")


class _Archive:
    """The WARC being written: records, their index lines and the pages."""

    def __init__(self, out: _Counting, namespace: uuid.UUID) -> None:
        self._out = out
        self._record = BytesIO()  # one record, gzipped here as a member of its own (warcio's is level 9: slow)
        self._writer = InMemoryWarcWriter(self._record, gzip=False, warc_version="1.1")
        self._namespace = namespace
        self.index: list[str] = []
        self.pages: list[dict[str, Any]] = []

    def _id(self, *parts: object) -> str:
        return f"<urn:uuid:{uuid.uuid5(self._namespace, '/'.join(map(str, parts)))}>"

    def _write(self, uri: str, kind: str, headers: dict[str, str], payload: bytes,
               http: StatusAndHeaders | None = None, content_type: str = "") -> int:
        block = b""
        if http is not None:
            http.compute_headers_buffer()
            block = http.headers_buff
        headers["WARC-Block-Digest"] = "sha256:" + hashlib.sha256(block + payload).hexdigest()
        if kind in ("response", "request"):
            headers["WARC-Payload-Digest"] = "sha256:" + hashlib.sha256(payload).hexdigest()
        record = self._writer.create_warc_record(uri, kind, payload=BytesIO(payload), length=len(payload),
                                                 warc_headers_dict=headers, http_headers=http,
                                                 warc_content_type=content_type)
        offset = self._out.offset
        self._record.seek(0)
        self._record.truncate()
        self._writer.write_record(record)
        member = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip, no name, time 0
        self._out.write(member.compress(self._record.getbuffer()) + member.flush())
        return offset

    def warcinfo(self, case_id: str, created: str) -> None:
        fields = (f"software: Evidence App {__version__}\r\nformat: WARC File Format 1.1\r\n"
                  f"isPartOf: {case_id}\r\ndescription: Responses recorded by the review browser's own "
                  "connection. Text bodies are kept; pictures, films and sounds never are: their responses are "
                  "metadata records with the body's SHA-256 and size only.\r\n").encode("utf-8")
        self._write("", "warcinfo", {"WARC-Record-ID": self._id(case_id, created, "warcinfo"),
                                     "WARC-Date": created, "WARC-Filename": WARC_NAME}, fields,
                    content_type="application/warc-fields")

    def page(self, recorded: RecordedPage) -> None:
        page = recorded.page
        document = next((r for r in page.responses if r.url == page.page_url), None)
        when = warc_date(document.started) if document is not None else recorded.recorded_at
        self.pages.append({"id": recorded.record_id, "url": safe_uri(page.page_url), "ts": when[:19] + "Z",
                           "title": recorded.title or f"Recorded responses {recorded.record_id}"})
        for number, response in enumerate(page.responses, start=1):
            self._response(recorded.record_id, number, response, page.bodies.get(response.body.sha256)
                           if response.body is not None else None)

    def _response(self, record_id: str, number: int, response: ResponseRecord, body: bytes | None) -> None:
        response = replace(response, url=safe_uri(response.url) or "about:blank")
        date = warc_date(response.started)
        request_id, response_id = self._id(record_id, number, "request"), self._id(record_id, number, "response")
        common = {"WARC-Date": date, "WARC-Evidence-Record": f"{record_id} response {number}"}
        try:
            parts = urlsplit(response.url)
        except ValueError:
            parts = None
        if parts is None or not response.url.startswith(("http:", "https:")):  # no HTTP exchange (data:, blob:)
            self._write(response.url, "metadata", common | {"WARC-Record-ID": response_id},
                        _withheld_fields(response), content_type="application/warc-fields")
            return
        if response.remote_ip:
            common["WARC-IP-Address"] = _field(response.remote_ip)
        protocol = ", ".join(_field(p) for p in (response.protocol, response.tls.protocol.lower().replace(" ", "/")
                                                 if response.tls is not None else "") if _field(p))
        if protocol:
            common["WARC-Protocol"] = protocol
        target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=_URL_SAFE)
        request_headers = _header_lines(response.request_headers)
        if not any(name.lower() == "host" for name, _ in request_headers) and parts.netloc:
            request_headers.insert(0, ("Host", parts.netloc))
        method = response.method if _TOKEN.fullmatch(response.method) else "GET"
        request = StatusAndHeaders(f"{method} {target} HTTP/1.1", request_headers, protocol="")
        self._write(response.url, "request", common | {"WARC-Record-ID": request_id,
                                                        "WARC-Concurrent-To": response_id}, b"", request)
        kept = payload_allowed(response, body)
        redirect = 300 <= response.status < 400 and (response.body is None or response.body.size == 0)
        if kept or redirect:
            payload = body if kept and body is not None else b""
            status = f"{response.status} {_ascii(response.status_text or _reason(response.status))}"
            lines = [((f"X-Archive-Orig-{name}" if name.lower() in _WIRE_HEADERS else name), value)
                     for name, value in _header_lines(response.response_headers)]
            lines.append(("Content-Length", str(len(payload))))
            http = StatusAndHeaders(status.strip(), lines, protocol="HTTP/1.1")
            headers = common | {"WARC-Record-ID": response_id}
            if response.body is not None and response.body.decoded_text:
                headers["WARC-Evidence-Body"] = "the browser's decoded text, as UTF-8"
            offset = self._write(response.url, "response", headers, payload, http)
            entry = {"url": response.url}
            content_type = http.get_header("Content-Type")
            if content_type:  # as the record's own header says (Webrecorder's indexer reads it there)
                entry["mime"] = essence(content_type)
            entry |= {"status": str(response.status), "digest": headers["WARC-Payload-Digest"],
                      "length": str(self._out.offset - offset), "offset": str(offset), "filename": WARC_NAME}
            self.index.append(f"{surt_key(response.url)} {_timestamp14(date)} {json.dumps(entry)}")
            return
        self._write(response.url, "metadata", common | {"WARC-Record-ID": response_id,
                                                         "WARC-Concurrent-To": request_id},
                    _withheld_fields(response), content_type="application/warc-fields")


def _withheld_fields(response: ResponseRecord) -> bytes:
    """What is known of a response whose body is not in the archive: never the body."""
    body = response.body
    why = ("a picture, film, sound or other body that is never kept (only its hash, size and type)"
           if body is not None and body.rule is BodyRule.HASH_ONLY else
           "the body was not recorded" if body is None else "the body was not kept")
    fields = [("evidence-body-kept", "no"), ("evidence-why", why),
              ("evidence-body-sha256", body.sha256 if body is not None else ""),
              ("evidence-body-size", str(body.size) if body is not None else ""),
              ("evidence-body-note", body.note if body is not None else ""),
              ("http-status", f"{response.status} {response.status_text}"),
              ("mime-type", response.mime_type), ("resource-type", response.resource_type),
              ("remote-address", f"{response.remote_ip}:{response.remote_port}" if response.remote_ip else ""),
              ("error", response.error)]
    fields += [("http-header", f"{name}: {value}") for name, value in _header_lines(response.response_headers)]
    return "".join(f"{name}: {_field(value)}\r\n" for name, value in fields if value).encode("utf-8")


def wacz_chunks(pages: Iterable[RecordedPage], *, case_id: str, created: str) -> Iterator[bytes]:
    """The WACZ's bytes, a page at a time; the same bytes on every run for the same pages.

    ``created`` is the export's UTC time (``2026-11-29T06:00:00Z``): the package's date and the zip's.
    """
    moment = dt.datetime.strptime(created[:19], "%Y-%m-%dT%H:%M:%S")
    date_time = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    pipe = _Pipe()
    resources: list[dict[str, Any]] = []
    with zipfile.ZipFile(pipe, "w", allowZip64=True) as archive:  # type: ignore[arg-type]
        warc_info = zipfile.ZipInfo(WARC_PATH, date_time)
        warc_info.compress_type = zipfile.ZIP_STORED  # the spec: WARCs stored, for random access
        digest = hashlib.sha256()
        with archive.open(warc_info, "w", force_zip64=True) as member:
            hashing = _Tee(member, digest)
            counting = _Counting(hashing)
            warc = _Archive(counting, uuid.uuid5(uuid.NAMESPACE_URL, f"evidence-app:{case_id}:{created}"))
            warc.warcinfo(case_id, created)
            for page in pages:
                warc.page(page)
                yield pipe.take()
        resources.append(_resource(WARC_PATH, digest.hexdigest(), counting.offset))
        index = "".join(line + "\n" for line in sorted(warc.index)).encode("utf-8")
        header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
        pages_text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in [header, *warc.pages])
        for path, data in ((INDEX_PATH, index), (PAGES_PATH, pages_text.encode("utf-8"))):
            _store(archive, path, data, date_time)
            resources.append(_resource(path, hashlib.sha256(data).hexdigest(), len(data)))
        package = json.dumps({
            "profile": "data-package", "resources": resources, "title": f"{case_id}: recorded web responses",
            "description": "Every response the review browser received, recorded from its own connection. "
                           "Text bodies are kept; pictures, films and sounds are not (metadata records "
                           "with their SHA-256 and size).",
            "created": created[:19] + "Z", "wacz_version": WACZ_VERSION,
            "software": f"Evidence App {__version__}"}, indent=2).encode("utf-8")
        _store(archive, "datapackage.json", package, date_time)
        _store(archive, "datapackage-digest.json", json.dumps({
            "path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package).hexdigest()},
            indent=2).encode("utf-8"), date_time)
    yield pipe.take()


class _Tee:
    def __init__(self, target: Any, digest: Any) -> None:
        self._target = target
        self._digest = digest

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        return self._target.write(data)  # type: ignore[no-any-return]


def _resource(path: str, sha256: str, size: int) -> dict[str, Any]:
    return {"name": path.rsplit("/", 1)[-1].lower(), "path": path, "hash": f"sha256:{sha256}", "bytes": size}


def _store(archive: zipfile.ZipFile, path: str, data: bytes, date_time: tuple[int, ...]) -> None:
    info = zipfile.ZipInfo(path, date_time)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def measure(chunks: Iterable[bytes]) -> tuple[int, str]:
    """The size and SHA-256 of what ``chunks`` gives."""
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def checked(chunks: Iterable[bytes], size: int, sha256: str) -> Iterator[bytes]:
    """``chunks`` again, refused at the end if they are not the bytes measured before."""
    digest = hashlib.sha256()
    seen = 0
    for chunk in chunks:
        digest.update(chunk)
        seen += len(chunk)
        yield chunk
    if seen != size or digest.hexdigest() != sha256:
        raise ValueError("the web archive came out differently the second time it was made")

