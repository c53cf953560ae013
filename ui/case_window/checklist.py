"""The policy's steps, ticked from what the journal shows (no Qt here: plain logic).

From "Responding to incidents of misuse": more than one senior member of staff,
a designated computer used throughout, the sites visited recorded, the concern
described, and a conclusion reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evidence_app import Case, Event, Kind, Status

UNREACHABLE = "unreachable"  # the browser's record of a page that failed to load (ui.browser.widget)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    done: bool
    hint: str


def policy_steps(case: Case) -> tuple[Step, ...]:
    """The five steps for an unlocked ``case``."""
    return steps_from(case.events(), designated=case.designated, status=case.status)


def steps_from(events: Iterable[Event], *, designated: bool, status: str) -> tuple[Step, ...]:
    concern = False
    loaded: dict[str, bool] = {}  # address -> not known to have failed (an error page is no site visited)
    for event in events:
        if event.kind == Kind.VISIT:
            loaded[str(event.data.get("url", ""))] = True
        elif event.kind == Kind.REFUSED and event.data.get("what") == UNREACHABLE:
            loaded[str(event.data.get("url", ""))] = False
        elif event.kind == Kind.NOTE:
            concern = True
        elif event.kind in (Kind.CAPTURE, Kind.ANNOTATED) and str(event.data.get("concern", "")).strip():
            concern = True
        elif event.kind == Kind.FLAGGED:
            concern = True
    visited = any(loaded.values())
    return (
        Step("two_people", "Two senior staff present", True,
             "Both investigators gave their passphrases to open the case."),
        Step("designated", "Designated computer", designated,
             "This is the computer the case was started on." if designated else
             "This is not the case's computer: the case is read-only here."),
        Step("sites", "Sites recorded", visited,
             "Every page you visit in the case's browser is recorded."),
        Step("concern", "Concern described", concern,
             "Add a note, or a screenshot with its concern, describing what is wrong."),
        Step("conclusion", "Conclusion reached", status == Status.CONCLUDED,
             "Record your judgement and the action taken when you have finished."),
    )
