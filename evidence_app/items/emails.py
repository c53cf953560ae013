"""Emails: ``.eml`` with the standard library, Outlook ``.msg`` with extract-msg.

Both give the same fields: From, To, Cc, Date, Subject, Message-ID and the Received chain (the
servers the message passed through, newest first, as written), the start of the text, and each
attachment's bytes, which the case keeps as items of their own.
"""

from __future__ import annotations

import email
import email.policy
import warnings
from email.message import Message
from typing import Any

from evidence_app.items.examined import MAX_LIST, Attachment, Examined, clipped

BODY_CHARS = 20_000
_HEADERS = (("from", "From"), ("to", "To"), ("cc", "Cc"), ("date", "Date"), ("subject", "Subject"),
            ("message_id", "Message-ID"))


def _problem(what: str, exc: BaseException) -> Examined:
    return Examined({}, problem=f"The {what}'s details could not be read ({type(exc).__name__}): it may be "
                                "damaged or not what its name says. Its bytes were kept unchanged.")


def _header(message: Message, name: str) -> str:
    try:
        return clipped(message.get(name, ""))
    except Exception:  # noqa: BLE001 -- a hostile header must not stop the rest being read
        return "(unreadable header)"


def _received(message: Message | None) -> list[str]:
    if message is None:
        return []
    try:
        chain = message.get_all("Received") or []
    except Exception:  # noqa: BLE001 -- as above
        return ["(unreadable header)"]
    return [clipped(" ".join(str(h).split())) for h in chain[:MAX_LIST]]


def _attachment_bytes(part: Message) -> bytes | None:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return inner[0].as_bytes()
        return None
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else None


def read_eml(data: bytes) -> Examined:
    """An RFC 5322 message's headers, text and attachments."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            message = email.message_from_bytes(data, policy=email.policy.compat32)
            found: dict[str, Any] = {key: _header(message, name) for key, name in _HEADERS}
            found["received"] = _received(message)
            body = ""
            attachments: list[Attachment] = []
            for part in message.walk():
                if len(attachments) >= MAX_LIST:
                    break
                name = part.get_filename()
                disposition = part.get_content_disposition()
                if name or disposition == "attachment" or (part is not message
                                                           and part.get_content_type() == "message/rfc822"):
                    content = _attachment_bytes(part)
                    if content is not None:
                        attachments.append(Attachment(clipped(name or f"attachment {len(attachments) + 1}", 255),
                                                      content))
                elif not body and part.get_content_type() == "text/plain":
                    payload = part.get_payload(decode=True)
                    if isinstance(payload, bytes):
                        charset = part.get_content_charset() or "utf-8"
                        try:
                            body = payload.decode(charset, errors="replace")
                        except LookupError:
                            body = payload.decode("utf-8", errors="replace")
        found["text"] = clipped(body, BODY_CHARS)
        found["attachments"] = [a.name for a in attachments]
        return Examined(found, tuple(attachments), personal_data=("names and addresses of the people writing",))
    except (ValueError, TypeError, LookupError, IndexError, KeyError, AttributeError, RecursionError,
            MemoryError, UnicodeError, AssertionError) as exc:
        return _problem("email", exc)


def read_msg(data: bytes) -> Examined:
    """An Outlook message's headers, text and attachments (attached messages are kept as ``.msg`` bytes)."""
    import extract_msg  # loaded on first use: it brings several libraries with it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            message = extract_msg.openMsg(data, delayAttachments=False, strict=False)
            try:
                header = getattr(message, "header", None)
                found: dict[str, Any] = {
                    "from": clipped(getattr(message, "sender", "")), "to": clipped(getattr(message, "to", "")),
                    "cc": clipped(getattr(message, "cc", "")), "date": clipped(getattr(message, "date", "")),
                    "subject": clipped(getattr(message, "subject", "")),
                    "message_id": clipped(getattr(message, "messageId", "")),
                    "received": _received(header if isinstance(header, Message) else None),
                    "text": clipped(getattr(message, "body", ""), BODY_CHARS)}
                attachments = []
                for index, item in enumerate(list(getattr(message, "attachments", []))[:MAX_LIST]):
                    content = item.data
                    name = clipped(getattr(item, "longFilename", None) or getattr(item, "name", None)
                                   or f"attachment {index + 1}", 255)
                    if isinstance(content, bytes):
                        attachments.append(Attachment(name, content))
                    elif hasattr(content, "exportBytes"):
                        attachments.append(Attachment(name if name.lower().endswith(".msg") else name + ".msg",
                                                      content.exportBytes()))
            finally:
                message.close()
        found["attachments"] = [a.name for a in attachments]
        return Examined(found, tuple(attachments), personal_data=("names and addresses of the people writing",))
    except Exception as exc:  # noqa: BLE001 -- extract-msg raises many kinds of error on damaged files
        return _problem("Outlook message", exc)
