"""The policy's "Actions / Sanctions" tables and the rules for a conclusion.

``resources/policy/sanctions.json`` holds, for each subject (pupil, staff),
the actions the school may take and, for each incident, the ones the policy
marks. A :class:`Conclusion` is checked here, in the core, so no UI path can
conclude an illegal case without a police referral.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from evidence_app.errors import PolicyError

SUBSTANCE = {"yes": "Yes, the concern has substance", "no": "No, the concern has no substance",
             "unknown": "Not yet known"}
SUBJECTS = ("pupil", "staff")


@dataclass(frozen=True)
class Action:
    id: str
    label: str


@dataclass(frozen=True)
class Incident:
    id: str
    text: str
    actions: tuple[str, ...]
    illegal: bool


@dataclass(frozen=True)
class SubjectTable:
    subject: str
    label: str
    actions: tuple[Action, ...]
    incidents: tuple[Incident, ...]

    def action(self, action_id: str) -> Action | None:
        return next((a for a in self.actions if a.id == action_id), None)

    def incident(self, incident_id: str) -> Incident | None:
        return next((i for i in self.incidents if i.id == incident_id), None)


@dataclass(frozen=True)
class SanctionTables:
    source: str
    police_action: str
    subjects: dict[str, SubjectTable]

    def for_subject(self, subject: str) -> SubjectTable:
        if subject not in self.subjects:
            raise PolicyError(f"The subject must be one of: {', '.join(self.subjects)}.")
        return self.subjects[subject]


@dataclass(frozen=True)
class Conclusion:
    """The pair's judgement: does the concern have substance, about whom, and what is done."""

    substance: str                      # yes | no | unknown
    subject: str                        # pupil | staff
    incident: str = ""                  # an incident id from the table, if one fits
    actions: tuple[str, ...] = ()       # action ids from the table
    action_text: str = ""               # the action proposed or taken, in the pair's words
    summary: str = ""                   # the conclusion in the pair's words

    def to_json(self) -> dict[str, Any]:
        return {"substance": self.substance, "subject": self.subject, "incident": self.incident,
                "actions": list(self.actions), "action_text": self.action_text, "summary": self.summary}

    @classmethod
    def from_json(cls, data: Any) -> Conclusion:
        return cls(substance=data["substance"], subject=data["subject"], incident=data["incident"],
                   actions=tuple(data["actions"]), action_text=data["action_text"], summary=data["summary"])


def _parse(document: dict[str, Any]) -> SanctionTables:
    subjects = {}
    for subject, table in document["subjects"].items():
        subjects[subject] = SubjectTable(
            subject=subject, label=table["label"],
            actions=tuple(Action(a["id"], a["label"]) for a in table["actions"]),
            incidents=tuple(Incident(i["id"], i["incident"], tuple(i["actions"]), bool(i["illegal"]))
                            for i in table["incidents"]))
    return SanctionTables(source=document.get("source", ""), police_action=document["police_action"],
                          subjects=subjects)


def default_path() -> Path:
    from resources import resource_path

    return resource_path("policy", "sanctions.json")


@lru_cache(maxsize=4)
def load_sanctions(path: Path | None = None) -> SanctionTables:
    target = path or default_path()
    try:
        return _parse(json.loads(target.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise PolicyError(f"The policy file {target.name} is missing.") from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PolicyError(f"The policy file {target.name} cannot be read: {exc}.") from exc


def check_conclusion(conclusion: Conclusion, *, tables: SanctionTables, police_required_because: str) -> None:
    """Raise :class:`PolicyError` unless the conclusion follows the policy.

    ``police_required_because`` is empty, or says why a police referral is a must
    (an illegal concern was recorded, or the case was sealed).
    """
    if conclusion.substance not in SUBSTANCE:
        raise PolicyError("Say whether the concern has substance: yes, no or not yet known.")
    table = tables.for_subject(conclusion.subject)
    unknown = [a for a in conclusion.actions if table.action(a) is None]
    if unknown:
        raise PolicyError(f"Unknown action for a {conclusion.subject}: {', '.join(unknown)}.")
    incident = table.incident(conclusion.incident) if conclusion.incident else None
    if conclusion.incident and incident is None:
        raise PolicyError(f"Unknown incident for a {conclusion.subject}: {conclusion.incident}.")
    if incident is not None and incident.illegal and not police_required_because:
        police_required_because = "the incident is one the policy counts as illegal"
    if police_required_because and tables.police_action not in conclusion.actions:
        raise PolicyError(f"The policy requires a referral to the police because {police_required_because}. "
                          "Tick \"Refer to Police\".")
    if conclusion.substance == "yes" and not conclusion.actions and not conclusion.action_text.strip():
        raise PolicyError("The concern has substance: say what action is proposed or has been taken.")
