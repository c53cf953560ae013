"""Evidence App's core: the two-person encrypted case vault and its journal.

Pure Python with no Qt anywhere below this package, so every rule that
protects evidence can be tested and scripted without a screen. The names
exported here are the public face the UI and the tests use.
"""

from .blocklist import Blocklist, BlocklistError, BlocklistMatch
from .bundle_export import ExportCancelled, ExportResult
from .bundle_verify import BundleProblem, BundleReport, BundleUnreadable, verify_bundle
from .case import Case
from .custody import Recipient
from .crypto import KdfParams
from .errors import (CaseClosedForEvidence, CaseConcluded, CaseInUse, CaseLocked, CaseNotFound,
                     CaseSealed, EvidenceError, InvalidInput, PolicyError, Quarantined,
                     StorageError, TamperDetected, WeakPassphrase, WrongMachine, WrongPassphrase)
from .events import Event, Kind
from .machine import Machine
from .people import Investigator
from .records import Capture, CaseDetails, CaseSummary, Person, VerifyReport
from .state import Status
from .sanctions import Conclusion
from .register import RegisterEntry
from .school_key import SchoolKey, SchoolKeyError, SchoolPublicKey
from .store import CaseStore, DeletionReport

__version__ = "0.1.0"

__all__ = [
    "BundleProblem", "BundleReport", "BundleUnreadable", "ExportCancelled", "ExportResult", "Recipient",
    "verify_bundle", "Conclusion", "Blocklist", "BlocklistError", "BlocklistMatch", "DeletionReport",
    "RegisterEntry", "SchoolKey", "SchoolKeyError", "SchoolPublicKey",
    "Capture", "Case", "CaseClosedForEvidence", "CaseConcluded", "CaseDetails", "CaseInUse",
    "CaseLocked", "CaseNotFound", "CaseSealed", "CaseStore", "CaseSummary", "Event",
    "EvidenceError", "InvalidInput", "Investigator", "KdfParams", "Kind", "Machine", "Person",
    "PolicyError", "Quarantined", "Status", "StorageError", "TamperDetected", "VerifyReport",
    "WeakPassphrase", "WrongMachine", "WrongPassphrase",
]
