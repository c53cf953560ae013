"""Cases to print: the small, the large and Unicode, the sealed, the one referred to the police.

The builders are shared by the form tests, ``bench/bench_form.py`` and
``scripts/sample_form.py`` (which makes the sample in docs/). The tests in
this module check what :func:`evidence_app.form.data.gather` takes from each
case, without reading any PDF.
"""

from __future__ import annotations

from pathlib import Path

from evidence_app import Case, CaseStore, Investigator, Status
from evidence_app.form.data import gather
from evidence_app.policy.sanctions import Conclusion
from tests.helpers.cases import PASS_A, PASS_B, make_case, make_store
from tests.helpers.images import make_png

WELSH = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
POLISH = "Zażółć gęślą jaźń"
ARABIC = "مرحبا بالعالم"
EMOJI = "👍😀"
LONG_NOTE = (f"{POLISH}: the pupil's post names a teacher and repeats the insult three times. {ARABIC} "
             f"appears as the caption. Ysgol {WELSH} is named in the profile. {EMOJI} " * 3).strip()


def small_case(store: CaseStore) -> Case:
    """A short review: three visits, three screenshots (one of concern, one noted), one note."""
    case = make_case(store)
    case.record_visit("https://social.example/profile/9b-pupil", title="Profile of a Year 9 pupil")
    case.add_capture(make_png(640, 400, seed=1), kind="viewport", url="https://social.example/profile/9b-pupil",
                     concern="threatening-behaviour", note="Threatening post about another pupil, dated Monday.")
    case.record_visit("https://social.example/post/1234", title="A post")
    case.add_capture(make_png(640, 400, seed=2), kind="viewport", url="https://social.example/post/1234",
                     note="Same account; comments from two other pupils.")
    case.record_visit("https://school.example/", title="School home page")
    case.add_capture(make_png(320, 200, seed=3), kind="viewport", url="https://school.example/")
    case.add_note("Also seen: https://chat.example/room/77 mentioned in the comments; not opened.")
    return case


def unicode_investigators() -> tuple[Investigator, Investigator]:
    return (Investigator(f"Siân {WELSH} ap Gwilym", f"Pennaeth / Headteacher ({POLISH})", PASS_A),
            Investigator(f"Zofia Żółkiewska-{ARABIC} {EMOJI}",
                         "Designated safeguarding lead and deputy head of the upper school", PASS_B))


def big_case(store: CaseStore, captures: int = 200, *, width: int = 1280, height: int = 800) -> Case:
    """Hundreds of screenshots with long Unicode names and notes."""
    case = make_case(store, investigators=unicode_investigators(), group=f"Blwyddyn 9 / Year 9 ({POLISH})",
                     reason=f"Reported message thread in three languages: {WELSH} {ARABIC} {POLISH} " * 4,
                     subject=f"A pupil in 9B ({ARABIC})")
    concerns = ("threatening-behaviour", "discrimination", "offensive-or-disrepute", "", "social-media")
    for index in range(captures):
        url = f"https://social.example/thread/{index}/{POLISH.replace(' ', '-')}?lang=cy&q={index * 7}"
        if index % 3 == 0:
            case.record_visit(url, title=f"Thread {index}: {ARABIC}")
        note = LONG_NOTE if index % 10 == 0 else (f"{ARABIC} {index}" if index % 4 == 0 else "")
        case.add_capture(make_png(width, height, seed=index), kind="viewport", url=url, note=note,
                         concern=concerns[index % len(concerns)])
    case.add_note(f"{LONG_NOTE} See https://social.example/thread/0 for the first post.")
    return case


def sealed_case(store: CaseStore) -> Case:
    """Two screenshots, then the stop on the address of one of them: quarantined, and the case sealed."""
    case = make_case(store)
    case.record_visit("https://forum.example/board", title="Board")
    case.add_capture(make_png(640, 400, seed=11), kind="viewport", url="https://forum.example/board",
                     concern="pornography", note="Adult images on the board's front page.")
    case.record_visit("https://forum.example/thread/99", title="Thread")
    case.add_capture(make_png(640, 400, seed=12), kind="viewport", url="https://forum.example/thread/99")
    case.flag_csam("https://forum.example/thread/99", note="Suspected indecent images of a child. Stopped.")
    return case


def police_case(store: CaseStore) -> Case:
    """Illegal content recorded, concluded with a referral to the police."""
    case = make_case(store, subject="A member of staff")
    case.record_visit("https://hate.example/page", title="Leaflet")
    case.add_capture(make_png(800, 500, seed=21), kind="viewport", url="https://hate.example/page",
                     concern="criminally-racist", note="Racist leaflet shared from a staff account.")
    case.conclude(Conclusion(
        substance="yes", subject="staff",
        incident="deliberately-accessing-or-trying-to-access-material",
        actions=("refer-headteacher", "refer-la-hr", "refer-police", "suspension"),
        action_text="Reported to the police on the day; the LA's HR team informed; the member of staff "
                    "suspended pending investigation.",
        summary="The concern has substance: the material was shared from the member of staff's account."))
    return case


# ------------------------------------------------------------------ what the form takes from them


def test_small_case_rows_are_the_marked_captures_and_noted_urls(tmp_path: Path) -> None:
    case = small_case(make_store(tmp_path))
    data = gather(case)
    assert [row.where for row in data.rows] == ["https://social.example/profile/9b-pupil",
                                                 "https://social.example/post/1234",
                                                 "https://chat.example/room/77"]
    assert [row.reason for row in data.rows] == ["Threatening behaviour", "Noted by the reviewers",
                                                  "Named in the reviewers' notes"]
    assert len(data.visits) == 3 and data.pictures and data.conclusion is None
    case.lock()


def test_sealed_case_prints_no_pictures_and_lists_the_flagged_address(tmp_path: Path) -> None:
    case = sealed_case(make_store(tmp_path))
    data = gather(case)
    assert data.status is Status.SEALED and not data.pictures
    assert [c.quarantined for c in data.captures] == [False, True]
    assert any(row.where == "https://forum.example/thread/99" and "police" in row.reason for row in data.rows)
    case.lock()


def test_police_case_conclusion_has_labels_from_the_sanctions_table(tmp_path: Path) -> None:
    case = police_case(make_store(tmp_path))
    conclusion = gather(case).conclusion
    assert conclusion is not None and conclusion.police
    assert "Refer to Police" in conclusion.actions
    assert conclusion.subject == "Member of staff"
    case.lock()
