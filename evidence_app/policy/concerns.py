"""The school's policy tables, loaded from ``resources/policy/`` (data a school may edit).

Today this is the concern categories from the policy's "User Actions" table:
each has a stable id (stored with captures), a plain label, the table column it
sits under, a level (acceptable, unacceptable or illegal), the law for the
illegal ones and the policy's instruction to report them to the police. The
"child sexual abuse images" concern has the id ``csam`` and ``stop`` set:
choosing it must trigger the stop, never a capture.

Pure Python (no Qt): the core, the command line and the UI all read it here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence_app.errors import PolicyError

CSAM = "csam"
LEVELS = ("acceptable", "unacceptable", "illegal")
_LEVEL_OF_COLUMN = {
    "acceptable": "acceptable",
    "acceptable-at-certain-times": "acceptable",
    "acceptable-for-nominated-users": "acceptable",
    "unacceptable": "unacceptable",
    "illegal": "illegal",
}


class PolicyFileError(PolicyError):
    """A policy file that is missing, unreadable or not in the expected shape."""


@dataclass(frozen=True)
class Concern:
    """One row of the "User Actions" table."""

    id: str
    label: str
    description: str
    column: str          # the table heading it is marked under, e.g. "Unacceptable and illegal"
    level: str           # acceptable | unacceptable | illegal
    law: str = ""        # the Act it is contrary to (illegal rows)
    police_instruction: str = ""  # what the policy says to do (illegal rows)
    stop: bool = False   # choosing it halts the investigation (child sexual abuse images)

    @property
    def illegal(self) -> bool:
        return self.level == "illegal"


@dataclass(frozen=True)
class ConcernTable:
    """The concerns in the policy's order, with look-up by id."""

    source: str
    concerns: tuple[Concern, ...]

    def get(self, concern_id: str) -> Concern | None:
        return next((c for c in self.concerns if c.id == concern_id), None)

    def __getitem__(self, concern_id: str) -> Concern:
        found = self.get(concern_id)
        if found is None:
            raise KeyError(concern_id)
        return found

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.concerns)

    def __len__(self) -> int:
        return len(self.concerns)

    def label(self, concern_id: str) -> str:
        """The label to show for a stored concern id (the id itself if the table lacks it)."""
        found = self.get(concern_id)
        return found.label if found is not None else concern_id


def default_path() -> Path:
    from resources import resource_path

    return resource_path("policy", "concerns.json")


def _text(row: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = row.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise PolicyFileError(f"The policy file's {where} has no usable {key!r}.")
    return value.strip()


def parse_concerns(document: dict[str, Any]) -> ConcernTable:
    """Build the table from the JSON document; :class:`PolicyFileError` says what is wrong."""
    if not isinstance(document, dict) or not isinstance(document.get("concerns"), list):
        raise PolicyFileError("The policy file has no list of concerns.")
    columns = document.get("columns", {})
    instruction = document.get("police_instruction", "Report to the police immediately.")
    seen: set[str] = set()
    concerns = []
    for number, row in enumerate(document["concerns"], start=1):
        where = f"concern {number}"
        if not isinstance(row, dict):
            raise PolicyFileError(f"The policy file's {where} is not a table row.")
        concern_id = _text(row, "id", where)
        if concern_id in seen:
            raise PolicyFileError(f"The policy file lists the concern {concern_id!r} twice.")
        seen.add(concern_id)
        column = _text(row, "column", where)
        if column not in _LEVEL_OF_COLUMN:
            raise PolicyFileError(f"The policy file's {where} ({concern_id}) is under an unknown "
                                  f"column {column!r}.")
        level = _LEVEL_OF_COLUMN[column]
        concerns.append(Concern(
            id=concern_id, label=_text(row, "label", where),
            description=_text(row, "description", where, required=False),
            column=str(columns.get(column, column)), level=level,
            law=_text(row, "law", where, required=False),
            police_instruction=str(instruction) if level == "illegal" else "",
            stop=bool(row.get("stop", False))))
    if CSAM not in seen:
        raise PolicyFileError("The policy file has no 'csam' concern (child sexual abuse images); "
                              "the app cannot run without it.")
    table = ConcernTable(source=str(document.get("source", "")), concerns=tuple(concerns))
    if not table[CSAM].stop or not table[CSAM].illegal:
        raise PolicyFileError("The policy file must mark the 'csam' concern as illegal and as a stop.")
    return table


def load_concerns(path: Path | None = None) -> ConcernTable:
    """The concern table from ``path`` (the bundled ``resources/policy/concerns.json`` by default)."""
    target = path or default_path()
    try:
        document = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PolicyFileError(f"The policy file {target.name} is missing.") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PolicyFileError(f"The policy file {target.name} cannot be read: {exc}.") from exc
    return parse_concerns(document)
