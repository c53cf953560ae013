"""The concern table from the policy's "User Actions" table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evidence_app.policy.concerns import CSAM, LEVELS, PolicyFileError, default_path, load_concerns, parse_concerns


def test_bundled_table_has_every_row_of_the_policy() -> None:
    table = load_concerns()
    assert len(table) == 22
    assert all(c.level in LEVELS for c in table)
    assert len({c.id for c in table}) == len(table)


def test_csam_is_stable_illegal_and_a_stop() -> None:
    csam = load_concerns()[CSAM]
    assert csam.illegal and csam.stop
    assert csam.law == "Protection of Children Act 1978"
    assert "police" in csam.police_instruction.lower()


def test_illegal_rows_carry_law_and_police_instruction() -> None:
    table = load_concerns()
    illegal = [c.id for c in table if c.illegal]
    assert illegal == ["csam", "grooming", "extreme-pornography", "criminally-racist"]
    for concern in table:
        assert bool(concern.police_instruction) == concern.illegal
        assert bool(concern.law) == concern.illegal
        assert concern.stop == (concern.id == CSAM)


def test_columns_follow_the_printed_table() -> None:
    table = load_concerns()
    assert table["pornography"].column == "Unacceptable"
    assert table["copyright"].level == "unacceptable"
    assert table["gaming-educational"].column == "Acceptable at certain times"
    assert table["shopping"].column == "Acceptable for nominated users"
    assert table["shopping"].level == "acceptable"
    assert table.label("no-such-id") == "no-such-id"
    assert table.label("gambling") == "Online gambling"


def _document() -> dict:
    return json.loads(default_path().read_text(encoding="utf-8"))


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d["concerns"].pop(0), "csam"),
    (lambda d: d["concerns"].append(dict(d["concerns"][1])), "twice"),
    (lambda d: d["concerns"][1].update(column="sometimes"), "unknown column"),
    (lambda d: d["concerns"][1].pop("label"), "label"),
    (lambda d: d["concerns"][0].update(stop=False), "stop"),
    (lambda d: d.pop("concerns"), "no list"),
])
def test_malformed_tables_are_refused_in_plain_words(mutate, words: str) -> None:
    document = _document()
    mutate(document)
    with pytest.raises(PolicyFileError, match=words):
        parse_concerns(document)


def test_unreadable_files_are_policy_errors(tmp_path: Path) -> None:
    with pytest.raises(PolicyFileError, match="missing"):
        load_concerns(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(PolicyFileError, match="cannot be read"):
        load_concerns(bad)
