"""The host-resolver rules made from the school's list (issue 14): what they map, what they cannot, and how they
are put among flags already set, read back the way QtWebEngine and Chromium read them."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_app import Blocklist
from evidence_app.policy.resolver_rules import (
    CONNECT_SWITCH,
    NOWHERE,
    SWITCH,
    resolver_rules,
    rules_for_host,
    split_flags,
    with_resolver_rules,
)


def chromium_reads(flags: str, switch: str = SWITCH) -> list[tuple[str, ...]]:
    """The rules Chromium ends up with: Qt cuts the arguments, the last switch counts, "," then spaces split."""
    values = [a.split("=", 1)[1] for a in split_flags(flags) if a.startswith(switch + "=")]
    if not values:
        return []
    return [tuple(rule.split()) for rule in values[-1].split(",") if rule.strip()]


def test_a_host_name_is_not_found_with_its_subdomains_and_trailing_dot_spellings() -> None:
    rules = resolver_rules(Blocklist.from_text("# list\nBad.Example\n"))
    assert rules.rules == ("MAP bad.example ~NOTFOUND", "MAP *.bad.example ~NOTFOUND",
                           "MAP bad.example. ~NOTFOUND", "MAP *.bad.example. ~NOTFOUND")
    assert rules.hosts == {"bad.example"} and not rules.too_many and not rules.unmappable


def test_every_connection_to_a_listed_host_is_sent_nowhere_proxy_or_not() -> None:
    rules = resolver_rules(Blocklist.from_text("bad.example\n192.0.2.7\n"))
    read = chromium_reads(with_resolver_rules("", rules), CONNECT_SWITCH)
    assert read == [("MAP", rule.split()[1], NOWHERE) for rule in rules.rules]
    assert NOWHERE == "127.0.0.1:9"  # this computer's discard port, which Chromium refuses to open


def test_an_international_name_is_mapped_in_the_punycode_chromium_looks_up() -> None:
    rules = resolver_rules(Blocklist.from_text("straße.example\n"))
    assert rules.rules[0] == "MAP xn--strae-oqa.example ~NOTFOUND"
    assert all("stra" not in rule or "xn--" in rule for rule in rules.rules)


def test_ip_addresses_are_mapped_in_the_forms_chromium_connects_to() -> None:
    rules = resolver_rules(Blocklist.from_text("192.0.2.7\n2001:db8::1\n"))
    assert rules.rules == ("MAP 192.0.2.7 ~NOTFOUND", "MAP ::ffff:c000:207 ~NOTFOUND", "MAP [::ffff:c000:207] ~NOTFOUND",
                           "MAP 2001:db8::1 ~NOTFOUND", "MAP [2001:db8::1] ~NOTFOUND")


def test_pages_folders_prefixes_and_hashes_leave_their_hosts_reachable() -> None:
    listed = Blocklist.from_text("https://shared.example/bad/page\nhttps://shared.example/gallery/\n"
                                 "https://shared.example/x-*\n" + "a" * 64 + "\n")
    rules = resolver_rules(listed)
    assert rules.rules == () and rules.not_covered(listed) == ()
    assert "no host names" in rules.describe()


def test_hostile_names_are_left_out_never_written_into_the_rules() -> None:
    # Full-width characters become ASCII punctuation after international processing: "，" a comma, "＊" a star.
    text = "a，b.example\n＊.example\nq＂x.example\no＇k.example\nfine.example\n"
    listed = Blocklist.from_text(text)
    assert {"a,b.example", "*.example", 'q"x.example'} <= set(listed.hosts)
    rules = resolver_rules(listed)
    assert set(rules.unmappable) == {"a,b.example", "*.example", 'q"x.example', "o'k.example"}
    assert rules.hosts == {"fine.example"}
    read = chromium_reads(with_resolver_rules("", rules))
    assert read == [("MAP", "fine.example", "~NOTFOUND"), ("MAP", "*.fine.example", "~NOTFOUND"),
                    ("MAP", "fine.example.", "~NOTFOUND"), ("MAP", "*.fine.example.", "~NOTFOUND")]
    assert rules.describe().startswith("Connections to 1 listed host (names and IP addresses) are blocked")
    assert "4 more hold characters that cannot be blocked that way" in rules.describe()


def test_rules_stop_at_the_limit_in_the_lists_order_and_say_which_hosts_wait() -> None:
    listed = Blocklist.from_text("".join(f"host{n}.example\n" for n in range(100)))
    rules = resolver_rules(listed, max_chars=1000)
    assert 0 < len(rules.hosts) < 100 and len(with_resolver_rules("", rules)) <= 1000 + 50
    assert rules.hosts == {f"host{n}.example" for n in range(len(rules.hosts))}
    assert rules.too_many == tuple(f"host{n}.example" for n in range(len(rules.hosts), 100))
    assert rules.not_covered(listed) == rules.too_many
    assert f"from host{len(rules.hosts)}.example on, are too many" in rules.describe()


def test_the_full_limit_holds_about_a_hundred_ordinary_names_within_windows_limits() -> None:
    listed = Blocklist.from_text("".join(f"site-number-{n}.example\n" for n in range(1000)))
    rules = resolver_rules(listed)
    flags = with_resolver_rules("", rules)
    assert 90 <= len(rules.hosts) and 30_000 - 400 < len(flags) <= 30_000 + 100 < 32_767 - 2_000


def test_a_host_listed_later_is_named_as_not_covered() -> None:
    at_start = resolver_rules(Blocklist.from_text("old.example\n"))
    now = Blocklist.from_text("old.example\nnew.example\n192.0.2.9\n")
    assert at_start.not_covered(now) == ("new.example", "192.0.2.9")
    assert at_start.not_covered(None) == ()


def test_flags_are_cut_as_qtwebengine_cuts_them() -> None:
    assert split_flags('--a  --b="x y, z" "--c d"e --f=""') == ["--a", "--b=x y, z", "--c de", "--f="]
    assert split_flags("") == [] and split_flags("   ") == []


def test_our_rules_go_first_and_rules_already_set_follow_in_one_switch() -> None:
    rules = resolver_rules(Blocklist.from_text("bad.example\n"))
    flags = '--disable-gpu --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE localhost" --lang=en'
    merged = with_resolver_rules(flags, rules)
    arguments = split_flags(merged)
    assert [a for a in arguments if not a.startswith((SWITCH, CONNECT_SWITCH))] == ["--disable-gpu", "--lang=en"]
    assert sum(a.startswith(SWITCH) for a in arguments) == 1 and sum(a.startswith(CONNECT_SWITCH) for a in arguments) == 1
    read = chromium_reads(merged)
    assert read[0] == ("MAP", "bad.example", "~NOTFOUND") and read[-2:] == [("MAP", "*", "~NOTFOUND"),
                                                                             ("EXCLUDE", "localhost")]


def test_several_earlier_switches_and_other_prefixes_are_merged_not_lost() -> None:
    rules = resolver_rules(Blocklist.from_text("bad.example\n"))
    merged = with_resolver_rules('"-host-resolver-rules=MAP a b" --host-resolver-rules="MAP c d" '
                                 '"/host-rules=MAP e f"', rules)
    read = chromium_reads(merged)
    assert read[0] == ("MAP", "bad.example", "~NOTFOUND") and read[-2:] == [("MAP", "a", "b"), ("MAP", "c", "d")]
    connect = chromium_reads(merged, CONNECT_SWITCH)
    assert connect[0] == ("MAP", "bad.example", NOWHERE) and connect[-1] == ("MAP", "e", "f")


def test_no_rules_leave_the_flags_untouched() -> None:
    assert with_resolver_rules('--x="a b"', resolver_rules(None)) == '--x="a b"'
    assert with_resolver_rules("--x", resolver_rules(Blocklist.empty())) == "--x"


_HOSTILE = st.text(alphabet=string.ascii_letters + string.digits + "-.,;\"' *?=\u00e9\u00df\uff0c\uff0a\uff02\uff07\uff1d",
                   min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HOSTILE, min_size=1, max_size=8), st.sampled_from(["", "--x", '--host-resolver-rules="MAP * y"']))
def test_no_list_entry_can_add_change_or_break_a_rule(entries: list[str], flags: str) -> None:
    lines = []
    for entry in entries:
        try:
            Blocklist.from_text(entry)
        except Exception:  # noqa: BLE001 - entries the list refuses are not the question here
            continue
        lines.append(entry)
    listed = Blocklist.from_text("\n".join(lines))
    rules = resolver_rules(listed)
    merged = with_resolver_rules(flags, rules)
    ours = chromium_reads(merged)[:len(rules.rules)]
    connect = chromium_reads(merged, CONNECT_SWITCH)
    assert len(ours) == len(rules.rules) and len(connect) == len(rules.rules)
    assert [rule[1] for rule in connect] == [rule[1] for rule in ours] and all(
        len(rule) == 3 and rule[2] == NOWHERE for rule in connect)
    for rule in ours:
        assert len(rule) == 3 and rule[0] == "MAP" and rule[2] == "~NOTFOUND", rule
        pattern = rule[1].removeprefix("*.").rstrip(".")
        assert pattern in listed.hosts or f"[{pattern}]" in listed.hosts or any(
            rule == tuple(r.split()) for host in listed.hosts for r in rules_for_host(host) or ()), rule
        assert "*" not in pattern and "?" not in pattern
    assert rules.hosts | set(rules.unmappable) == set(listed.hosts)


def test_every_host_key_maps_to_itself_or_is_refused() -> None:
    assert rules_for_host("[not-an-address]") is None
    assert rules_for_host("a b.example") is None
    assert rules_for_host("ok.example") is not None
