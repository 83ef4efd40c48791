"""load_pack validates thoroughly and reports every problem at once, with paths."""

from __future__ import annotations

import pytest

from xiufu.rules.engine import PackError, load_pack
from xiufu.rules.tests.helpers import dump, shipped_data, shipped_text


def problems_of(text: str) -> list[str]:
    with pytest.raises(PackError) as exc:
        load_pack(text)
    return exc.value.problems


def test_many_breakages_are_all_reported_at_once():
    # given a pack broken in nine different ways
    data = shipped_data()
    data["surprise"] = True  # unknown top-level key
    del data["categories"][3]["citation"]  # missing citation
    data["categories"][1]["id"] = data["categories"][0]["id"]  # duplicate rule id
    data["categories"][2]["citation"]["source"] = "R99"  # unknown citation key
    data["categories"][4]["materials"].append({"code": "tea_leaves"})  # unknown material
    data["deadlines"]["rules"][0]["unit"] = "fortnights"  # unknown unit
    data["deadlines"]["rules"][1]["length"] = -5  # negative length
    data["findings"][0]["status"] = "probably"  # status outside the set
    del data["materials"]["catalog"][5]["note"]  # unconfirmed without a note
    del data["other_avenues"][1]["id"]  # missing id
    # when it is loaded
    problems = problems_of(dump(data))
    # then every problem is listed with its path
    expected = [
        "surprise: unknown key",
        "categories[3].citation: missing",
        "categories[1].id: duplicate rule id 'CD-CAT-LOAN-NOT-OURS' (first at categories[0].id)",
        "categories[2].citation.source: unknown citation key 'R99'",
        "categories[4].materials[1].code: unknown material 'tea_leaves'",
        "deadlines.rules[0].unit: 'fortnights' is not one of calendar_days, working_days",
        "deadlines.rules[1].length: must be positive, got -5",
        "findings[0].status: 'probably' is not one of confirmed, secondary, unconfirmed",
        "materials.catalog[5].note: required when status is unconfirmed",
        "other_avenues[1].id: missing",
    ]
    for problem in expected:
        assert problem in problems, problem
    assert len(problems) == len(expected), problems


def test_the_shipped_pack_has_no_problems():
    load_pack(shipped_text())


def test_cross_references_are_checked_whatever_the_section_order():
    data = shipped_data()
    data["other_avenues"][0]["deadline"] = "CD-DL-NOWHERE"
    data["materials"]["applicant_types"][1]["materials"].append("notary_deed")
    data["categories"][0]["record_kinds"] = ["loans", "shares"]
    data["deadlines"]["rules"][0]["counting"] = "lunar"
    problems = problems_of(dump(data))
    assert problems == [
        "categories[0].record_kinds[1]: unknown record kind 'shares'",
        "materials.applicant_types[1].materials[5]: unknown material 'notary_deed'",
        "deadlines.rules[0].counting: unknown counting method 'lunar'",
        "other_avenues[0].deadline: unknown deadline 'CD-DL-NOWHERE'",
    ]


def test_duplicate_codes_are_reported():
    data = shipped_data()
    data["categories"][1]["code"] = "loan_not_ours"
    data["materials"]["catalog"][1]["code"] = "application_form"
    problems = problems_of(dump(data))
    assert (
        "categories[1].code: duplicate category 'loan_not_ours' (first at categories[0].code)"
        in problems
    )
    assert (
        "materials.catalog[1].code: duplicate material 'application_form' "
        "(first at materials.catalog[0].code)" in problems
    )


def test_types_and_shapes():
    data = shipped_data()
    data["version"] = 2026.1  # unquoted: YAML reads a float
    data["effective_from"] = "soon"
    data["deadlines"]["warning"]["share"] = 1.5
    data["findings"][1]["tell_other_avenues"] = "yes"
    data["uploads"]["media_types"] = ["PDF"]
    data["categories"][0]["remedy"]["record_types"][0]["code"] = 414
    data["citations"]["P1"]["url"] = "dalian.pbc.gov.cn"
    data["categories"][5]["materials"] = []
    problems = problems_of(dump(data))
    assert problems == [
        'version: must be a string (quote it, e.g. "2026.1")',
        "effective_from: must be a date (YYYY-MM-DD)",
        "citations.P1.url: 'dalian.pbc.gov.cn' does not match ^https?://\\S+$",
        'categories[0].remedy.record_types[0].code: must be a string (quote it, e.g. "412")',
        "categories[5].materials: must have at least 1 item(s)",
        "deadlines.warning.share: must be between 0 and 1 (exclusive), got 1.5",
        "findings[1].tell_other_avenues: must be true or false",
        "uploads.media_types[0]: 'PDF' does not match ^[a-z]+/[a-z0-9.+-]+$",
    ]


def test_a_pack_needs_the_dispute_reply_deadline():
    data = shipped_data()
    data["deadlines"]["rules"][0]["code"] = "answer"
    assert (
        "deadlines.rules: no deadline with code 'reply' (the dispute's own clock)"
        in problems_of(dump(data))
    )


def test_not_a_mapping_at_all():
    assert problems_of("- just\n- a list\n") == ["(top level): must be a mapping"]
    assert "regime: missing" in problems_of("title: 空的\n")


def test_yaml_syntax_errors_are_reported_not_raised():
    (problem,) = problems_of("regime: [unclosed\n")
    assert problem.startswith("(yaml): ")


def test_duplicate_keys_are_refused_not_silently_overwritten():
    text = shipped_text().replace(
        "title: 《征信业管理条例》异议处理规则包\n",
        "title: 《征信业管理条例》异议处理规则包\ntitle: 另一个标题\n",
    )
    problems = problems_of(text)
    assert len(problems) == 1
    assert "duplicate key 'title'" in problems[0]


def test_aliases_are_refused():
    text = "regime: &r credit_dispute\nversion: *r\n"
    (problem,) = problems_of(text)
    assert "aliases are not allowed" in problem


def test_oversized_text_is_refused_before_parsing():
    (problem,) = problems_of("#" * 600_000)
    assert "longer than" in problem
