"""Evidence App's core: the two-person encrypted case vault and its journal.

Pure Python with no Qt anywhere below this package, so every rule that
protects evidence can be tested and scripted without a screen. The names
exported here are the public face the UI and the tests use.

They are loaded on first use (PEP 562), so ``import evidence_app`` stays
cheap and the start screen appears quickly; the errors are always loaded.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from evidence_app.errors import (
    CaseClosedForEvidence,
    CaseConcluded,
    CaseInUse,
    CaseLocked,
    CaseNotFound,
    CaseSealed,
    EvidenceError,
    InvalidInput,
    PolicyError,
    Quarantined,
    StorageError,
    TamperDetected,
    WeakPassphrase,
    WrongMachine,
    WrongPassphrase,
)

__version__ = "0.1.0"

_LAZY = {
    "Blocklist": "policy.blocklist", "BlocklistError": "policy.blocklist", "BlocklistMatch": "policy.blocklist",
    "ExportCancelled": "export.writer", "ExportResult": "export.writer",
    "BundleProblem": "export.verify", "BundleReport": "export.verify", "BundleUnreadable": "export.verify",
    "verify_bundle": "export.verify",
    "Case": "case.open_case", "Recipient": "export.custody", "KdfParams": "vault.crypto", "Event": "vault.events", "Kind": "vault.events",
    "Machine": "vault.machine", "Investigator": "policy.people",
    "Capture": "case.records", "KeptPage": "case.kept", "CaseDetails": "case.records", "CaseSummary": "case.records", "Person": "case.records",
    "VerifyReport": "case.records", "Status": "vault.state", "Conclusion": "policy.sanctions", "RegisterEntry": "school.register",
    "SchoolKey": "vault.school_key", "SchoolKeyError": "vault.school_key", "SchoolPublicKey": "vault.school_key",
    "CaseStore": "case.store", "DeletionReport": "case.store",
    "render_form": "form.render", "export_case": "export.writer",
}

__all__ = sorted([*_LAZY, "CaseClosedForEvidence", "CaseConcluded", "CaseInUse", "CaseLocked", "CaseNotFound",
                  "CaseSealed", "EvidenceError", "InvalidInput", "PolicyError", "Quarantined", "StorageError",
                  "TamperDetected", "WeakPassphrase", "WrongMachine", "WrongPassphrase"])


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'evidence_app' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:
    from evidence_app.case.open_case import Case
    from evidence_app.case.records import Capture, CaseDetails, CaseSummary, Person, VerifyReport
    from evidence_app.case.store import CaseStore, DeletionReport
    from evidence_app.export.custody import Recipient
    from evidence_app.export.verify import BundleProblem, BundleReport, BundleUnreadable, verify_bundle
    from evidence_app.export.writer import ExportCancelled, ExportResult, export_case
    from evidence_app.form.render import render_form
    from evidence_app.policy.blocklist import Blocklist, BlocklistError, BlocklistMatch
    from evidence_app.policy.people import Investigator
    from evidence_app.policy.sanctions import Conclusion
    from evidence_app.school.register import RegisterEntry
    from evidence_app.vault.crypto import KdfParams
    from evidence_app.vault.events import Event, Kind
    from evidence_app.vault.machine import Machine
    from evidence_app.vault.school_key import SchoolKey, SchoolKeyError, SchoolPublicKey
    from evidence_app.vault.state import Status
