"""Making cases for tests: known investigators and a cheap (explicit) Argon2id cost."""

from __future__ import annotations

from pathlib import Path

from evidence_app import Case, CaseStore, Investigator, KdfParams, Machine

PASS_A = "Corr3ct horse battery!"
PASS_B = "Tr0ubadour & staple?"
ALICE = Investigator("Alice Hughes", "Headteacher", PASS_A)
BOB = Investigator("Bartosz Nowak", "Designated safeguarding lead", PASS_B)
PASSPHRASES = (PASS_A, PASS_B)
THIS_MACHINE = Machine.from_identifier("test-machine-designated", "ICT-OFFICE-01")
OTHER_MACHINE = Machine.from_identifier("test-machine-elsewhere", "LIBRARY-07")
CHEAP = KdfParams.cheap_for_tests()


def make_store(root: Path, machine: Machine = THIS_MACHINE) -> CaseStore:
    return CaseStore(root, machine=machine)


def make_case(store: CaseStore, **overrides: object) -> Case:
    fields: dict[str, object] = dict(
        reason="Report of a pupil visiting an inappropriate site in Year 9 ICT",
        group="Year 9", computer_location="ICT office, main building",
        investigators=(ALICE, BOB), subject="A pupil in 9B", kdf=CHEAP)
    fields.update(overrides)
    return store.create(**fields)  # type: ignore[arg-type]
