"""The referral screen's words: what to do after the stop, from ``resources/referral/``.

Kept as data so a school can adapt them; the school's own contacts come from
settings. Qt-free: the UI lays these out, the form could print them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from evidence_app.errors import PolicyError


@dataclass(frozen=True)
class ReferralStep:
    heading: str
    text: str


@dataclass(frozen=True)
class ReferralText:
    title: str
    summary: str
    steps: tuple[ReferralStep, ...]
    contacts_heading: str
    contacts_missing: str


def default_path() -> Path:
    from resources import resource_path

    return resource_path("referral", "referral.json")


def load_referral(path: Path | None = None) -> ReferralText:
    target = path or default_path()
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        steps = tuple(ReferralStep(str(s["heading"]), str(s["text"])) for s in data["steps"])
        text = ReferralText(str(data["title"]), str(data["summary"]), steps, str(data["contacts_heading"]),
                            str(data["contacts_missing"]))
    except FileNotFoundError:
        raise PolicyError(f"The referral text file {target.name} is missing.") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PolicyError(f"The referral text file {target.name} cannot be read: {exc}.") from None
    if not steps or not any("999" in s.text for s in steps):
        raise PolicyError(f"The referral text file {target.name} must keep the step that says to ring 999.")
    return text
