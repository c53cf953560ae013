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

from .errors import (CaseClosedForEvidence, CaseConcluded, CaseInUse, CaseLocked, CaseNotFound,
                     CaseSealed, EvidenceError, InvalidInput, PolicyError, Quarantined,
                     StorageError, TamperDetected, WeakPassphrase, WrongMachine, WrongPassphrase)

__version__ = "0.1.0"

_LAZY = {
    "Blocklist": "blocklist", "BlocklistError": "blocklist", "BlocklistMatch": "blocklist",
    "ExportCancelled": "bundle_export", "ExportResult": "bundle_export",
    "BundleProblem": "bundle_verify", "BundleReport": "bundle_verify", "BundleUnreadable": "bundle_verify",
    "verify_bundle": "bundle_verify",
    "Case": "case", "Recipient": "custody", "KdfParams": "crypto", "Event": "events", "Kind": "events",
    "Machine": "machine", "Investigator": "people",
    "Capture": "records", "CaseDetails": "records", "CaseSummary": "records", "Person": "records",
    "VerifyReport": "records", "Status": "state", "Conclusion": "sanctions", "RegisterEntry": "register",
    "SchoolKey": "school_key", "SchoolKeyError": "school_key", "SchoolPublicKey": "school_key",
    "CaseStore": "store", "DeletionReport": "store",
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
    from .blocklist import Blocklist, BlocklistError, BlocklistMatch
    from .bundle_export import ExportCancelled, ExportResult
    from .bundle_verify import BundleProblem, BundleReport, BundleUnreadable, verify_bundle
    from .case import Case
    from .crypto import KdfParams
    from .custody import Recipient
    from .events import Event, Kind
    from .machine import Machine
    from .people import Investigator
    from .records import Capture, CaseDetails, CaseSummary, Person, VerifyReport
    from .register import RegisterEntry
    from .sanctions import Conclusion
    from .school_key import SchoolKey, SchoolKeyError, SchoolPublicKey
    from .state import Status
    from .store import CaseStore, DeletionReport
