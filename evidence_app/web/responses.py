"""What a response record is: one page's responses, as the browser's own connection received them.

A :class:`PageResponses` holds every response one page loaded (the document, its
scripts, styles, images, the JSON its scripts fetched), each a :class:`ResponseRecord`:
method, URL, status, request and response headers, the server's IP address and
port, the protocol, timing, size, the body's SHA-256 (:class:`BodyRecord`) and,
over HTTPS, the TLS details with the certificate chain in DER (:class:`TlsRecord`).

The full record goes into the case encrypted as one blob per page (its bytes are
:meth:`PageResponses.to_bytes`, canonical JSON, ``"schema": SCHEMA``); the journal
gets :meth:`PageResponses.summary`. :func:`page_responses_from_bytes` reads a blob
back and refuses anything that does not have the shape below, field by field.

Kept text bodies travel in the same blob, under ``"bodies"``, keyed by their SHA-256
(as text when they are UTF-8, else base64): one encrypted blob per page. Image, video
and audio bodies are never among them (:mod:`evidence_app.web.bodies`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from evidence_app.errors import InvalidInput
from evidence_app.web.bodies import BodyRule

SCHEMA = "evidence-app/page-responses/1"

# The record's shape, for examiners and for the reader below (JSON Schema, draft 2020-12).
JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "One page's responses, recorded from the browser's own connection",
    "type": "object",
    "required": ["schema", "page_url", "responses"],
    "properties": {
        "schema": {"const": SCHEMA},
        "page_url": {"type": "string"},
        "bodies": {"type": "object", "description": "kept text-like bodies by SHA-256",
                   "additionalProperties": {"type": "object", "properties": {
                       "text": {"type": "string"}, "base64": {"type": "string"}}}},
        "responses": {"type": "array", "items": {
            "type": "object",
            "required": ["method", "url", "status", "request_headers", "response_headers", "remote_ip",
                         "remote_port", "protocol", "mime_type", "resource_type", "size", "started", "body", "tls"],
            "properties": {
                "method": {"type": "string"}, "url": {"type": "string"}, "status": {"type": "integer"},
                "status_text": {"type": "string"},
                "request_headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "response_headers": {"type": "object", "additionalProperties": {"type": "string"}},
                "remote_ip": {"type": "string"}, "remote_port": {"type": "integer"},
                "protocol": {"type": "string"}, "mime_type": {"type": "string"},
                "resource_type": {"type": "string"}, "size": {"type": "integer"},
                "started": {"type": "number", "description": "seconds since 1970, the browser's clock"},
                "timing": {"type": "object", "additionalProperties": {"type": "number"}},
                "error": {"type": "string"},
                "body": {"type": ["object", "null"], "required": ["rule", "sha256", "size"], "properties": {
                    "rule": {"enum": [r.value for r in BodyRule]}, "sha256": {"type": "string"},
                    "size": {"type": "integer"}, "decoded_text": {"type": "boolean"},
                    "note": {"type": "string"}}},
                "tls": {"type": ["object", "null"], "required": ["protocol", "cipher", "subject", "issuer"],
                        "properties": {
                            "protocol": {"type": "string"}, "cipher": {"type": "string"},
                            "key_exchange": {"type": "string"}, "subject": {"type": "string"},
                            "issuer": {"type": "string"}, "valid_from": {"type": "number"},
                            "valid_to": {"type": "number"},
                            "san": {"type": "array", "items": {"type": "string"}},
                            "chain_der": {"type": "array", "items": {"type": "string", "contentEncoding": "base64"}}}},
            }}},
    },
}


@dataclass(frozen=True)
class BodyRecord:
    """A body: its hash and size always; its bytes are in the page's ``bodies`` when ``rule`` is KEEP."""

    rule: BodyRule
    sha256: str
    size: int
    decoded_text: bool = False  # the protocol gave it as text, decoded by the browser: hashed as UTF-8
    note: str = ""              # why there is no hash, or why a text body was not kept


@dataclass(frozen=True)
class TlsRecord:
    """The connection's TLS: protocol, cipher, the server certificate, and the chain (DER, server first)."""

    protocol: str
    cipher: str
    subject: str
    issuer: str
    key_exchange: str = ""
    valid_from: float = 0.0
    valid_to: float = 0.0
    san: tuple[str, ...] = ()
    chain_der: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class ResponseRecord:
    method: str
    url: str
    status: int
    request_headers: Mapping[str, str]
    response_headers: Mapping[str, str]
    remote_ip: str
    remote_port: int
    protocol: str
    mime_type: str
    resource_type: str
    size: int              # bytes received over the wire (headers and body, as the browser counted them)
    started: float         # seconds since 1970, the browser's clock
    status_text: str = ""
    timing: Mapping[str, float] = field(default_factory=dict)
    body: BodyRecord | None = None
    tls: TlsRecord | None = None
    error: str = ""


@dataclass(frozen=True)
class PageResponses:
    page_url: str
    responses: tuple[ResponseRecord, ...]
    bodies: Mapping[str, bytes] = field(default_factory=dict)  # kept text-like bodies, by SHA-256

    def to_json(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "page_url": self.page_url,
                "responses": [_response_json(r) for r in self.responses],
                "bodies": {digest: _body_json(data) for digest, data in self.bodies.items()}}

    def to_bytes(self) -> bytes:
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def summary(self) -> dict[str, Any]:
        """What the journal says of the page: counts, bytes, and the document's server and certificate."""
        by_type: dict[str, int] = {}
        for response in self.responses:
            by_type[response.resource_type or "Other"] = by_type.get(response.resource_type or "Other", 0) + 1
        document = next((r for r in self.responses if r.url == self.page_url), None) or \
            next((r for r in self.responses if r.resource_type == "Document"), None)
        summary: dict[str, Any] = {
            "responses": len(self.responses), "by_type": by_type,
            "bytes": sum(r.size for r in self.responses),
            "bodies_kept": sum(1 for r in self.responses if r.body is not None and r.body.rule is BodyRule.KEEP),
            "bodies_hash_only": sum(1 for r in self.responses
                                    if r.body is not None and r.body.rule is BodyRule.HASH_ONLY),
            "servers": sorted({f"{r.remote_ip}:{r.remote_port}" for r in self.responses if r.remote_ip}),
        }
        if document is not None:
            summary["document"] = {"url": document.url, "status": document.status, "ip": document.remote_ip,
                                   "port": document.remote_port, "protocol": document.protocol,
                                   "sha256": document.body.sha256 if document.body else ""}
            if document.tls is not None:
                summary["document"]["tls"] = {"protocol": document.tls.protocol, "cipher": document.tls.cipher,
                                              "subject": document.tls.subject, "issuer": document.tls.issuer}
        return summary


def _body_json(data: bytes) -> dict[str, str]:
    try:
        return {"text": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def _response_json(response: ResponseRecord) -> dict[str, Any]:
    data = asdict(response)
    data["request_headers"] = dict(response.request_headers)
    data["response_headers"] = dict(response.response_headers)
    data["timing"] = dict(response.timing)
    if response.body is not None:
        data["body"] = asdict(response.body) | {"rule": response.body.rule.value}
    if response.tls is not None:
        data["tls"] = asdict(response.tls) | {"san": list(response.tls.san), "chain_der": [
            base64.b64encode(der).decode("ascii") for der in response.tls.chain_der]}
    return data


# ---------------------------------------------------------------------- reading back

def _bad(where: str) -> InvalidInput:
    return InvalidInput(f"The recorded responses cannot be read: {where} is not as recorded.")


def _get(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any = ...) -> Any:
    if key not in data:
        if default is ...:
            raise _bad(f"{where}.{key} (missing)")
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(f"{where}.{key}")
    return value


def _headers(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise _bad(where)
    return dict(value)


def _body(value: Any, where: str) -> BodyRecord | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(where)
    try:
        rule = BodyRule(_get(value, "rule", str, where))
    except ValueError:
        raise _bad(f"{where}.rule") from None
    return BodyRecord(rule, _get(value, "sha256", str, where), _get(value, "size", int, where),
                      _get(value, "decoded_text", bool, where, False), _get(value, "note", str, where, ""))


def _tls(value: Any, where: str) -> TlsRecord | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad(where)
    chain = _get(value, "chain_der", list, where, [])
    san = _get(value, "san", list, where, [])
    try:
        der = tuple(base64.b64decode(c, validate=True) for c in chain)
    except (ValueError, TypeError):
        raise _bad(f"{where}.chain_der") from None
    if not all(isinstance(s, str) for s in san):
        raise _bad(f"{where}.san")
    return TlsRecord(_get(value, "protocol", str, where), _get(value, "cipher", str, where),
                     _get(value, "subject", str, where), _get(value, "issuer", str, where),
                     _get(value, "key_exchange", str, where, ""), float(_get(value, "valid_from", (int, float), where, 0)),
                     float(_get(value, "valid_to", (int, float), where, 0)), tuple(san), der)


def _response(value: Any, where: str) -> ResponseRecord:
    if not isinstance(value, dict):
        raise _bad(where)
    timing = _get(value, "timing", dict, where, {})
    if not all(isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool) for k, v in timing.items()):
        raise _bad(f"{where}.timing")
    return ResponseRecord(
        method=_get(value, "method", str, where), url=_get(value, "url", str, where),
        status=_get(value, "status", int, where),
        request_headers=_headers(value.get("request_headers"), f"{where}.request_headers"),
        response_headers=_headers(value.get("response_headers"), f"{where}.response_headers"),
        remote_ip=_get(value, "remote_ip", str, where), remote_port=_get(value, "remote_port", int, where),
        protocol=_get(value, "protocol", str, where), mime_type=_get(value, "mime_type", str, where),
        resource_type=_get(value, "resource_type", str, where), size=_get(value, "size", int, where),
        started=float(_get(value, "started", (int, float), where)),
        status_text=_get(value, "status_text", str, where, ""), timing={k: float(v) for k, v in timing.items()},
        body=_body(value.get("body"), f"{where}.body"), tls=_tls(value.get("tls"), f"{where}.tls"),
        error=_get(value, "error", str, where, ""))


def page_responses_from_bytes(data: bytes) -> PageResponses:
    """Read a page's record back; a record of another shape is refused with a plain sentence."""
    try:
        record = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise _bad("the record") from None
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        raise _bad("its schema")
    responses = _get(record, "responses", list, "record")
    bodies: dict[str, bytes] = {}
    for digest, body in _get(record, "bodies", dict, "record", {}).items():
        if isinstance(body, dict) and isinstance(body.get("text"), str):
            bodies[digest] = body["text"].encode("utf-8", errors="surrogatepass")
        elif isinstance(body, dict) and isinstance(body.get("base64"), str):
            try:
                bodies[digest] = base64.b64decode(body["base64"], validate=True)
            except ValueError:
                raise _bad(f"body {digest}") from None
        else:
            raise _bad(f"body {digest}")
    return PageResponses(_get(record, "page_url", str, "record"),
                         tuple(_response(r, f"response {i + 1}") for i, r in enumerate(responses)), bodies)
