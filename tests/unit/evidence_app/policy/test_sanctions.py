"""The sanctions tables and the rules a conclusion must follow."""

from __future__ import annotations

import pytest

from evidence_app import CaseConcluded, CaseSealed, InvalidInput, PolicyError, Status, WrongMachine
from evidence_app.policy.sanctions import Conclusion, load_sanctions
from evidence_app.vault.events import Kind
from tests.helpers.cases import OTHER_MACHINE, PASSPHRASES, make_store
from tests.helpers.images import make_png


def test_the_tables_hold_the_policy_rows() -> None:
    tables = load_sanctions()
    pupil, staff = tables.for_subject("pupil"), tables.for_subject("staff")
    assert len(pupil.actions) == 9 and len(staff.actions) == 8
    assert len(pupil.incidents) == 16 and len(staff.incidents) == 16
    illegal = pupil.incidents[0]
    assert illegal.illegal and set(illegal.actions) == {"refer-slt", "refer-headteacher", "refer-police"}
    careless = staff.incident("careless-use-of-personal-data-eg-holding")
    assert careless is not None and careless.actions == ("refer-headteacher", "warning")


def test_a_plain_conclusion_is_journaled_and_closes_the_case_to_evidence(case) -> None:
    conclusion = Conclusion(substance="yes", subject="pupil", actions=("refer-headteacher", "warning"),
                            action_text="Spoke to the pupil with a parent present.", summary="Visited a gambling site.")
    event = case.conclude(conclusion)
    assert event.kind == Kind.CONCLUDED and case.status is Status.CONCLUDED
    assert case.conclusion == conclusion
    with pytest.raises(CaseConcluded):
        case.add_note("too late")
    with pytest.raises(CaseConcluded):
        case.conclude(conclusion)


def test_an_illegal_concern_requires_a_police_referral(case) -> None:
    capture = case.add_capture(make_png(), kind="viewport", url="https://example.org/")
    case.annotate_capture(capture.id, note="racist material", concern="criminally-racist")
    assert case.captures()[0].concern == "criminally-racist"
    without = Conclusion(substance="yes", subject="pupil", actions=("refer-headteacher",))
    with pytest.raises(PolicyError, match="police"):
        case.conclude(without)
    assert case.status is Status.OPEN
    case.conclude(Conclusion(substance="yes", subject="pupil", actions=("refer-headteacher", "refer-police")))


def test_an_illegal_incident_requires_a_police_referral(case) -> None:
    with pytest.raises(PolicyError, match="police"):
        case.conclude(Conclusion(substance="yes", subject="staff",
                                 incident="deliberately-accessing-or-trying-to-access-material",
                                 actions=("refer-headteacher",)))


@pytest.mark.parametrize("conclusion, fragment", [
    (Conclusion(substance="maybe", subject="pupil"), "substance"),
    (Conclusion(substance="no", subject="parent"), "subject"),
    (Conclusion(substance="no", subject="staff", actions=("further-sanction",)), "Unknown action"),
    (Conclusion(substance="no", subject="staff", incident="no-such-row"), "Unknown incident"),
    (Conclusion(substance="yes", subject="pupil"), "what action"),
])
def test_conclusions_outside_the_policy_are_refused(case, conclusion, fragment) -> None:
    with pytest.raises(PolicyError, match=fragment):
        case.conclude(conclusion)
    assert case.status is Status.OPEN


def test_a_sealed_case_can_be_concluded_only_with_the_police(case) -> None:
    case.flag_csam("https://example.invalid/")
    with pytest.raises(PolicyError, match="police"):
        case.conclude(Conclusion(substance="yes", subject="staff", actions=("suspension",)))
    case.conclude(Conclusion(substance="yes", subject="staff", actions=("refer-police", "suspension")))
    assert case.status is Status.SEALED


def test_a_read_only_case_cannot_be_concluded(store, case) -> None:
    case.lock()
    viewed = make_store(store.root, machine=OTHER_MACHINE).open(case.id, PASSPHRASES)
    with pytest.raises(WrongMachine):
        viewed.conclude(Conclusion(substance="no", subject="pupil"))
    viewed.lock()


def test_choosing_the_csam_concern_triggers_the_stop(case) -> None:
    other = case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    flagged = case.add_capture(make_png(seed=2), kind="viewport", url="https://example.org/b")
    case.annotate_capture(flagged.id, note="what we saw", concern="csam")
    assert case.status is Status.SEALED
    assert {c.id: c.quarantined for c in case.captures()} == {other.id: False, flagged.id: True}


def test_a_capture_offered_with_the_csam_concern_is_never_kept(case, store) -> None:
    png = make_png(seed=5)
    with pytest.raises(CaseSealed, match="not kept"):
        case.add_capture(png, kind="viewport", url="https://example.org/c", concern="csam")
    assert case.captures() == [] and case.status is Status.SEALED
    assert len(list((store.root / case.id / "blobs").iterdir())) == 1  # the signing key only


def test_unknown_concerns_are_refused(case) -> None:
    with pytest.raises(InvalidInput):
        case.add_capture(make_png(), kind="viewport", concern="made-up")
