"""The pure engine against the shipped pack: no database, no Django."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from xiufu.rules.engine import (
    PACKS_DIR,
    Decision,
    RulePack,
    UnknownRule,
    load_pack,
    load_shipped,
    shipped_packs,
    shipped_versions,
    version_key,
)
from xiufu.rules.tests.helpers import dump, shipped_data, shipped_text, variant

CATEGORY_CODES = [
    "loan_not_ours",
    "overdue_wrong",
    "settled_shown_open",
    "guarantee_not_ours",
    "guarantee_amount_wrong",
    "identity_info_wrong",
    "public_record_outdated",
    "five_tier_class_wrong",
    "amount_wrong",
    "other_error",
]
BASE = ["application_form", "legal_rep_id", "enterprise_certificate"]


@pytest.fixture(scope="module")
def pack() -> RulePack:
    return load_shipped("credit_dispute", "2026.2")[0]


def test_the_shipped_pack_loads(pack):
    assert (pack.regime, pack.version) == ("credit_dispute", "2026.2")
    assert pack.title == "《征信业管理条例》异议处理规则包"
    assert str(pack.effective_from) == "2013-03-15"
    assert len(pack.sha256) == 64


def test_it_has_the_ten_dispute_categories_in_order(pack):
    assert [c.code for c in pack.categories] == CATEGORY_CODES


def test_every_category_has_materials_a_citation_and_a_remedy(pack):
    for category in pack.categories:
        assert category.materials, category.code
        assert category.citation.source == "R1"
        assert category.citation.article == "第二十五条"
        assert all((category.label, category.description, category.example))
        assert all((category.remedy.id, category.remedy.text))
        # REGULATIONS.md §6: the remedy mapping is ours, not official
        assert category.remedy.status == "unconfirmed"
        assert category.remedy.note


def test_every_rule_id_is_unique_and_every_citation_resolves(pack):
    data = shipped_data()
    ids: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if "id" in node and "citation" in node:
                ids.append(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    assert len(ids) == len(set(ids)) == len(pack.rule_ids())
    keys = {source.key for source in pack.sources}
    for rule_id in pack.rule_ids():
        rule = pack.rule(rule_id)
        for citation in (rule.citation, *rule.also):
            assert citation.source in keys, rule_id
            assert citation.instrument == pack.source(citation.source).title


def test_unconfirmed_rules_say_what_is_open(pack):
    for rule_id in pack.rule_ids():
        rule = pack.rule(rule_id)
        assert rule.status in {"confirmed", "secondary", "unconfirmed"}
        if rule.status == "unconfirmed":
            assert rule.note, rule_id


def test_supporting_evidence_lists_are_unconfirmed_and_not_mandatory(pack):
    # REGULATIONS.md §3.2: "Enumerated supporting-evidence list: UNCONFIRMED"
    base = {code for a in pack.applicant_types for code in a.materials}
    for category in pack.categories:
        for ref in category.materials:
            assert ref.code not in base
            assert not ref.mandatory
            assert pack.material(ref.code).status == "unconfirmed"


def test_categories_for_a_record_kind(pack):
    assert [c.code for c in pack.categories_for("guarantees")] == [
        "guarantee_not_ours",
        "guarantee_amount_wrong",
        "other_error",
    ]
    assert [c.code for c in pack.categories_for("public_records")] == [
        "public_record_outdated",
        "other_error",
    ]
    with pytest.raises(UnknownRule):
        pack.categories_for("shares")


def test_agent_and_legal_representative_differ_exactly_by_attorney_and_agent_id(pack):
    # given the same dispute filed by the legal representative and by an agent
    by_lr = pack.checklist(["overdue_wrong"], "legal_representative")
    by_agent = pack.checklist(["overdue_wrong"], "agent")
    # then the agent needs exactly the power of attorney and its own ID more
    assert set(by_agent.codes()) - set(by_lr.codes()) == {"power_of_attorney", "agent_id"}
    assert set(by_lr.codes()) <= set(by_agent.codes())
    assert [i.code for i in by_lr.mandatory] == BASE
    assert [i.code for i in by_agent.mandatory] == [*BASE, "power_of_attorney", "agent_id"]


def test_checklist_deduplicates_across_categories_in_a_stable_order(pack):
    # given two categories that both ask for repayment vouchers
    one = pack.checklist(["overdue_wrong", "settled_shown_open"], "legal_representative")
    other = pack.checklist(
        ["settled_shown_open", "overdue_wrong", "overdue_wrong"], "legal_representative"
    )
    # then each material appears once, with both reasons, whatever order the input had
    assert one.codes().count("repayment_voucher") == 1
    assert one == other
    assert one.codes() == (
        *BASE,
        "repayment_voucher",
        "bank_fault_confirmation",
        "settlement_certificate",
    )
    voucher = next(i for i in one.items if i.code == "repayment_voucher")
    assert [(r.kind, r.code) for r in voucher.because] == [
        ("category", "overdue_wrong"),
        ("category", "settled_shown_open"),
    ]
    assert voucher.conditions == ()
    fault = next(i for i in one.items if i.code == "bank_fault_confirmation")
    assert fault.conditions == ("主张系银行系统故障或扣款失败导致逾期时",)


def test_base_material_items_carry_their_rule_citation_and_id_types(pack):
    checklist = pack.checklist([], "agent")
    agent_id = next(i for i in checklist.items if i.code == "agent_id")
    assert agent_id.rule_id == "CD-MAT-AGENT-ID"
    assert agent_id.mandatory
    assert agent_id.because[0].code == "agent"
    assert "resident_id" in agent_id.accepted_id_types
    assert agent_id.citation.source == "P1"


def test_checklist_decision_carries_version_and_rule_ids(pack):
    decision = pack.checklist(["loan_not_ours"], "agent").decision()
    assert isinstance(decision, Decision)
    assert (decision.pack_regime, decision.pack_version) == ("credit_dispute", "2026.2")
    assert decision.rule_ids[:2] == ("CD-APP-AGENT", "CD-CAT-LOAN-NOT-OURS")
    assert {"CD-MAT-POA", "CD-MAT-AGENT-ID", "CD-MAT-POLICE"} <= set(decision.rule_ids)
    assert "必须提交：" in decision.explanation
    assert "公安机关报案材料（主张被他人冒用名义办理业务时）" in decision.explanation
    assert decision.as_dict()["rule_ids"] == list(decision.rule_ids)


def test_checklist_refuses_unknown_codes(pack):
    with pytest.raises(UnknownRule) as category:
        pack.checklist(["no_such_thing"], "agent")
    assert (category.value.kind, category.value.code) == ("category", "no_such_thing")
    with pytest.raises(UnknownRule) as applicant:
        pack.checklist(["overdue_wrong"], "friend")
    assert applicant.value.kind == "applicant_type"
    with pytest.raises(TypeError):
        pack.checklist("overdue_wrong", "agent")


def test_reply_deadline_is_twenty_calendar_days_from_the_complete_application(pack):
    rule = pack.reply_deadline()
    assert (rule.id, rule.length, rule.unit) == ("CD-DL-REPLY", 20, "calendar_days")
    assert rule.start_event == "application_complete"
    assert rule.counting == "civil_code"
    assert rule.counting_citation.source == "CC"
    assert rule.status == "unconfirmed"  # calendar vs working days, REGULATIONS.md §10.1
    assert pack.deadline("complaint_reply").length == 30
    assert pack.warning_share == 0.7


def test_the_clock_never_pauses_under_the_regulation(pack):
    assert pack.pauses.states == ()
    for state in ("supplement_requested", "investigating", "awaiting_bureau"):
        assert not pack.pause_allowed(state)
        with pytest.raises(UnknownRule):
            pack.pause_rule_id(state)


def test_a_pack_that_allows_a_pause_names_its_rule():
    data = shipped_data()
    data["deadlines"]["pauses"]["states"] = ["awaiting_court_ruling"]
    pack = load_pack(dump(data))
    assert pack.pause_allowed("awaiting_court_ruling")
    assert pack.pause_rule_id("awaiting_court_ruling") == "CD-DL-PAUSE"


def test_rules_as_data(pack):
    avenue = pack.other_avenues()[0].as_dict()
    assert avenue["id"] == "CD-AVE-COMPLAINT"
    assert avenue["citation"]["instrument"] == "《征信业管理条例》"
    assert avenue["also"] == []
    assert pack.has_rule("CD-AVE-COMPLAINT")
    assert not pack.has_rule("CD-AVE-PRAYER")


def test_findings_and_their_effect_on_the_dispute_mark(pack):
    marks = {f.code: f.mark for f in pack.findings}
    assert marks == {
        "error_confirmed": "remove_after_correction",
        "no_error": "cancel",
        "undetermined": "keep",
        "not_repairable": "cancel",
    }
    assert pack.finding("not_repairable").tell_other_avenues
    assert not pack.finding("error_confirmed").tell_other_avenues
    decision = pack.finding_decision("undetermined")
    assert decision.rule_ids == ("CD-FND-UNDETERMINED",)
    assert "保留异议标注" in decision.explanation


def test_other_avenues_and_intake_grounds(pack):
    assert [a.code for a in pack.other_avenues()] == ["complaint", "lawsuit", "statement"]
    assert pack.other_avenues()[0].deadline == "CD-DL-COMPLAINT"
    assert [g.code for g in pack.intake_grounds()] == [
        "still_incomplete",
        "not_furnished_by_us",
        "not_data_subject",
    ]
    assert "一次性" in pack.supplement.text


def test_upload_limits(pack):
    assert pack.uploads.max_file_bytes == 20 * 1024 * 1024
    assert pack.uploads.allows("application/pdf")
    assert pack.uploads.allows("image/PNG; charset=binary")
    assert not pack.uploads.allows("application/x-msdownload")


def test_explain_names_the_instrument_and_article(pack):
    text = pack.explain("CD-DL-REPLY")
    assert text.startswith("依据《征信业管理条例》第二十五条：")
    assert "20日" in text
    assert "待确认" in text  # an unconfirmed rule says so
    confirmed = pack.explain("CD-FND-NO-ERROR")
    assert confirmed.startswith("依据《征信业管理条例》第二十五条：")
    assert "待确认" not in confirmed
    assert pack.explain("CD-AVE-COMPLAINT").startswith("依据《征信业管理条例》第二十六条：")
    with pytest.raises(UnknownRule):
        pack.explain("CD-NOPE-1")


def test_deadline_decision_explains_the_counting(pack):
    decision = pack.deadline_decision()
    assert decision.rule_ids == ("CD-DL-REPLY", "CD-DL-COUNT")
    assert "自收到齐备申请之日起20日" in decision.explanation
    assert "《中华人民共和国民法典》第二百零一条" in decision.explanation


def test_decide_refuses_unknown_rule_ids(pack):
    assert pack.decide("CD-CAT-OVERDUE").pack_version == "2026.2"
    with pytest.raises(UnknownRule):
        pack.decide("CD-CAT-OVERDUE", "CD-MISSING-1")


def test_sha256_ignores_comments_and_layout_but_not_content():
    original = load_pack(shipped_text())
    # the same data re-serialised: no comments, flow style gone, keys sorted
    relaid = load_pack(yaml.safe_dump(shipped_data(), allow_unicode=True, sort_keys=True))
    assert relaid.sha256 == original.sha256
    changed = load_pack(variant(title="另一个标题"))
    assert changed.sha256 != original.sha256


def test_shipped_registry_matches_file_contents():
    packs = shipped_packs()
    assert ("credit_dispute", "2026.2") in packs
    for (regime, version), path in packs.items():
        pack = load_pack(path.read_text(encoding="utf-8"))
        assert (pack.regime, pack.version) == (regime, version), path
        assert path.is_relative_to(PACKS_DIR)
    assert shipped_versions("credit_dispute")[0] == "2026.2"
    assert shipped_versions("no_such_regime") == []


def test_versions_sort_numerically():
    assert sorted(["2026.10", "2026.9", "2027.1"], key=version_key) == [
        "2026.9",
        "2026.10",
        "2027.1",
    ]


def test_the_engine_imports_no_django():
    engine = Path(__file__).resolve().parents[1] / "engine"
    for path in engine.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("django", "ninja")), f"{path.name} imports {name}"
                if name.startswith("xiufu"):
                    assert name.startswith("xiufu.rules.engine"), f"{path.name} imports {name}"


def test_every_shipped_rule_is_documented():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "rule-packs.md").read_text()
    for (regime, version), path in shipped_packs().items():
        pack = load_pack(path.read_text(encoding="utf-8"))
        missing = [rule_id for rule_id in pack.rule_ids() if f"`{rule_id}`" not in doc]
        assert not missing, f"{regime} {version}: rules missing from docs/rule-packs.md"
