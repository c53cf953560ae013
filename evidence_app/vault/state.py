"""The case's status and journal checkpoint, readable without any key.

``state.json`` says whether the case is open, concluded or sealed, so the
start screen can list cases without decrypting anything. It also holds a
checkpoint: the journal's length and head hash at the last lock, seal or
conclusion, under an HMAC of the case key. Records inside a checkpoint can
never be mistaken for a crash-torn tail, and a journal cut short of its
checkpoint is tampering. Between these, the journal checkpoints itself after
every record (:mod:`evidence_app.vault.marks`); this file's checkpoint is the
one readable without the journal key.

The journal is the authority: a case whose journal holds a seal is sealed,
whatever this file says, and a file that says "sealed" is never overruled
by a journal without a seal either. Sealing is one-way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from evidence_app.errors import TamperDetected
from evidence_app.vault import crypto
from evidence_app.vault.durable import replace_file, storage_error, write_new_file

FILE_NAME = "state.json"
MAX_STATE_BYTES = 16 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})?")


class Status(StrEnum):
    OPEN = "open"
    CONCLUDED = "concluded"
    SEALED = "sealed"
    UNREADABLE = "unreadable"


_RANK = {Status.OPEN: 0, Status.CONCLUDED: 1, Status.SEALED: 2}


def stricter(first: Status, second: Status) -> Status:
    return first if _RANK.get(first, 3) >= _RANK.get(second, 3) else second


@dataclass(frozen=True)
class State:
    status: Status
    checkpoint_seq: int
    checkpoint_head: str
    retain_until: str = ""  # ISO date after which the pair are asked to delete the case; "" while open or sealed
    mac: str = ""

    def _body(self, case_id: str) -> bytes:
        return json.dumps({"case_id": case_id, "status": str(self.status),
                           "checkpoint_seq": self.checkpoint_seq,
                           "checkpoint_head": self.checkpoint_head, "retain_until": self.retain_until},
                          sort_keys=True, separators=(",", ":")).encode("ascii")

    def signed(self, case_id: str, data_key: bytes) -> State:
        return State(self.status, self.checkpoint_seq, self.checkpoint_head, self.retain_until,
                     crypto.mac(crypto.subkey(data_key, "state"), self._body(case_id)))

    def check(self, case_id: str, data_key: bytes) -> None:
        if not crypto.mac_matches(crypto.subkey(data_key, "state"), self._body(case_id), self.mac):
            raise TamperDetected(FILE_NAME, "the status or checkpoint was changed outside the app")

    def to_bytes(self) -> bytes:
        return json.dumps({"status": str(self.status), "checkpoint_seq": self.checkpoint_seq,
                           "checkpoint_head": self.checkpoint_head, "retain_until": self.retain_until,
                           "mac": self.mac},
                          sort_keys=True, indent=1).encode("ascii") + b"\n"


def read_state(folder: Path) -> State:
    """The state as written; :class:`TamperDetected` if it is not readable.

    The file is read before any key is at hand (to list the cases), so it is
    bounded in size and every field is checked for its type and shape.
    """
    try:
        with (folder / FILE_NAME).open("rb") as handle:
            raw = handle.read(MAX_STATE_BYTES + 1)
        if len(raw) > MAX_STATE_BYTES:
            raise ValueError("too large")
        body = json.loads(raw)
        if not isinstance(body, dict):
            raise ValueError("not an object")
        status = Status(body["status"])
        seq, head, retain, mac = (body["checkpoint_seq"], body["checkpoint_head"], body["retain_until"],
                                  body["mac"])
        if status is Status.UNREADABLE or not isinstance(seq, int) or isinstance(seq, bool) or seq < -1:
            raise ValueError("not a status")
        if not (isinstance(head, str) and _HEX64.fullmatch(head) and isinstance(mac, str)
                and _HEX64.fullmatch(mac) and isinstance(retain, str) and _DATE.fullmatch(retain)):
            raise ValueError("not a checkpoint")
        return State(status, seq, head, retain, mac)
    except FileNotFoundError:
        raise TamperDetected(FILE_NAME, "the file is missing") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise TamperDetected(FILE_NAME, "it is not a readable case status") from None


def peek_state(folder: Path) -> State:
    """The state for listing, never raising: status ``unreadable`` when the file is damaged."""
    try:
        return read_state(folder)
    except TamperDetected:
        return State(Status.UNREADABLE, -1, "")


def write_state(folder: Path, state: State, *, new: bool = False) -> None:
    try:
        if new:
            write_new_file(folder / FILE_NAME, state.to_bytes(), "the case status")
        else:
            replace_file(folder / FILE_NAME, state.to_bytes(), "the case status")
    except OSError as exc:  # a cleanup step's own error (the write's is already a StorageError)
        raise storage_error(exc, "the case status") from exc
