"""The one exception tree of the core.

Every fault the core knows about is an ``EvidenceError`` whose ``str()`` is a
plain-English sentence a headteacher can read; the UI shows it as it is.
Anything else that escapes the core is a bug.
"""

from __future__ import annotations


class EvidenceError(Exception):
    """A known fault, with a message meant for the person using the app."""


class WrongPassphrase(EvidenceError):
    """The passphrases did not open the case (which one is never said)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "One or both passphrases are wrong. Nothing was changed. "
            "Check that each investigator typed their own passphrase in their own box."
        )


class PolicyError(EvidenceError):
    """Something the school's policy does not allow."""


class WeakPassphrase(PolicyError):
    """A passphrase that does not meet the policy; ``reasons`` lists why."""

    def __init__(self, who: str, reasons: tuple[str, ...]) -> None:
        self.who = who
        self.reasons = reasons
        super().__init__(f"The passphrase for {who} is not strong enough: " + "; ".join(reasons) + ".")


class InvalidInput(EvidenceError):
    """Input the core refuses: too large, the wrong kind, unreadable text."""


class CaseNotFound(EvidenceError):
    """No case with that id in this case folder."""


class CaseInUse(EvidenceError):
    """The case is already open in another window or program."""


class CaseLocked(EvidenceError):
    """The case has been locked; both passphrases are needed to go on."""


class CaseClosedForEvidence(EvidenceError):
    """The case takes no new evidence (sealed, concluded or read-only)."""


class CaseSealed(CaseClosedForEvidence):
    """Suspected child abuse imagery was flagged: the case is sealed for good."""


class CaseConcluded(CaseClosedForEvidence):
    """The pair have concluded the case: it takes no new evidence."""


class WrongMachine(CaseClosedForEvidence):
    """This is not the case's designated computer: read-only access only."""


class Quarantined(EvidenceError):
    """A capture of flagged content: it is never decrypted for display."""


class TamperDetected(EvidenceError):
    """The case on disk is not as it was written; ``where`` names the first bad part."""

    def __init__(self, where: str, detail: str) -> None:
        self.where = where
        self.detail = detail
        super().__init__(f"The case has been altered or damaged at {where}: {detail}")


class StorageError(EvidenceError):
    """The disk refused a write (full, read-only, no permission)."""


class Cancelled(EvidenceError):
    """The person stopped something long (adding a large file) before it finished; nothing was kept."""
