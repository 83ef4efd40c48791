"""The public verification page (/verify/) and the public log endpoints, all without login."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, date, datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from xiufu.conftest import screenshot
from xiufu.evidence import codes, keys, ledger, merkle, note
from xiufu.evidence.models import LogEntry
from xiufu.evidence.receipt import CheckpointFile, LogKey, Receipt
from xiufu.evidence.verify import Outcome, verify_consistency_files

VERIFY = "/verify/"
WHEN = datetime(2026, 11, 30, 8, 0, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n% xiufu verification page test\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the lookup counters live in the cache
    yield
    cache.clear()


def append(*payloads: bytes) -> list[LogEntry]:
    records = [
        ledger.Record(
            kind=ledger.MATERIAL,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            media_type="application/pdf",
            case_number="YY-2026-000001",
            received_at=WHEN,
        )
        for data in payloads
    ]
    with transaction.atomic():
        return ledger.append_many(records)


def make_receipt(data: bytes = PDF) -> Receipt:
    (entry,) = append(data)
    receipt = ledger.build_receipt(entry, media_type="application/pdf", size=len(data))
    assert receipt is not None
    return receipt


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def check(client, receipt: bytes | None, file: bytes | None = None, *, headers=None, **extra):
    payload = {"action": "receipt", **extra}
    if receipt is not None:
        payload["receipt"] = upload("receipt.json", receipt, "application/json")
    if file is not None:
        payload["file"] = upload("material.pdf", file, "application/pdf")
    return client.post(VERIFY, payload, headers=headers)


def lookup(client, code: str, **extra):
    return client.post(VERIFY, {"action": "code", "code": code}, **extra)


def text(response) -> str:
    return response.content.decode()


# --- the page -----------------------------------------------------------------------------------


def test_the_page_opens_without_login_and_publishes_the_key(client, db):
    response = client.get(VERIFY)
    assert response.status_code == 200
    page = text(response)
    for heading in ("存证核验", "可以核验什么", "验证码查询", "回执与文件核验", "离线核验"):
        assert heading in page
    vkey = keys.log_signer().vkey
    assert vkey in page
    assert f"xiufu verify RECEIPT FILE --trusted-key '{vkey}'" in page
    for url in ("/evidence/checkpoint", "/evidence/checkpoint.json", "/evidence/key"):
        assert f'href="{url}"' in page
    assert "本地时间戳（本地信任）" in page  # the embedded TSA is the default
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="id_receipt">' in page
    assert '<label for="id_file">' in page
    assert '<label for="id_code">' in page
    assert "<script" not in page.split("</head>", 1)[1]  # no inline scripts (CSP)
    assert "style=" not in page


def test_a_genuine_receipt_and_its_file_are_valid(client, db):
    receipt = make_receipt()
    entries = LogEntry.objects.count()
    response = check(client, receipt.to_json().encode(), PDF)
    assert response.status_code == 200
    result = response.context["check"]
    assert result.verdict.outcome == Outcome.VALID, result.verdict.line
    assert result.key_matches is True
    assert result.file_checked
    page = text(response)
    assert '<p class="verdict-outcome" role="status">有效</p>' in page
    assert "与本平台公布的公钥一致" in page
    assert "本地时间戳（本地信任）" in page
    assert "已固定为本平台公布的公钥" in page
    assert hashlib.sha256(PDF).hexdigest() in page
    assert result.verdict.line in page  # the English technical reason stays visible
    assert page.count("✓") >= 7
    assert "✗" not in page
    facts = {row.label: row.value for row in result.facts}
    assert facts["日志条目序号"] == str(receipt.leaf.index)
    assert facts["签名检查点的树大小"] == "1"
    assert facts["时间戳类型"] == "本地时间戳（本地信任）"
    assert "?from=1" in page  # the link to check the log only grew since
    assert LogEntry.objects.count() == entries  # nothing uploaded is recorded


def test_a_receipt_alone_is_valid_and_says_the_file_was_not_checked(client, db):
    receipt = make_receipt()
    response = check(client, receipt.to_json().encode())
    result = response.context["check"]
    assert result.verdict.outcome == Outcome.VALID
    assert not result.file_checked
    assert "未上传文件，因此未核对文件内容" in text(response)


def test_a_flipped_byte_in_the_file_is_tampered(client, db):
    receipt = make_receipt()
    altered = bytearray(PDF)
    altered[10] ^= 0x01
    response = check(client, receipt.to_json().encode(), bytes(altered))
    assert response.status_code == 200
    result = response.context["check"]
    assert result.verdict.outcome == Outcome.TAMPERED
    page = text(response)
    assert '<p class="verdict-outcome" role="status">已被篡改</p>' in page
    assert "文件与回执登记的数字指纹不一致" in page
    assert "file does not match" in page
    assert "✗" in page


def test_a_receipt_naming_another_key_is_untrusted_and_the_keys_differ(client, db):
    receipt = make_receipt()
    other = note.Signer.generate(receipt.log.origin)
    forged = dataclasses.replace(receipt, log=LogKey(receipt.log.origin, other.vkey))
    response = check(client, forged.to_json().encode(), PDF)
    result = response.context["check"]
    assert result.verdict.outcome in (Outcome.UNTRUSTED, Outcome.TAMPERED)
    assert result.key_matches is False
    page = text(response)
    assert "与本平台公布的公钥不一致" in page
    assert other.vkey in page
    assert keys.log_signer().vkey in page
    assert '<p class="verdict-outcome" role="status">密钥或时间戳机构不受信任</p>' in page
    assert "回执所载的日志公钥与本平台公布的公钥不一致" in page


def test_a_json_object_that_is_no_receipt_is_malformed(client, db):
    response = check(client, b'{"format": "something-else/1"}')
    result = response.context["check"]
    assert result.verdict.outcome == Outcome.MALFORMED
    assert result.key_matches is None
    assert '<p class="verdict-outcome" role="status">回执格式错误</p>' in text(response)


GARBAGE = bytes(range(256)) * 8


@pytest.mark.parametrize(
    ("receipt", "message"),
    [
        pytest.param(None, "请选择回执文件（.json）。", id="missing"),
        pytest.param(b"", "回执文件为空，请重新选择。", id="empty"),
        pytest.param(GARBAGE, "所选文件不是回执", id="garbage"),
        pytest.param(PDF, "所选文件不是回执", id="pdf"),
        pytest.param(b"[1, 2, 3]", "所选文件不是回执", id="json-list"),
        pytest.param(b"{" * 100_000, "所选文件不是回执", id="deep-nesting"),
        pytest.param(b"{}" + b" " * (1024 * 1024), "回执文件过大", id="oversize"),
    ],
)
def test_bad_receipts_are_refused_by_the_form_in_chinese(client, db, receipt, message):
    response = check(client, receipt, PDF)
    assert response.status_code == 200
    assert "check" not in response.context
    page = text(response)
    assert "未能核验，请按提示修改" in page
    assert message in page


def test_a_file_over_the_limit_is_refused_while_it_streams(client, db, settings):
    settings.EVIDENCE_VERIFY_MAX_FILE_BYTES = 1024
    receipt = make_receipt()
    response = check(client, receipt.to_json().encode(), b"x" * 5000)
    assert response.status_code == 200
    assert "check" not in response.context
    assert "文件过大：本页最多核验1.0\xa0KB的文件" in text(response)


def test_an_unexpected_failure_while_verifying_is_no_500(client, db, monkeypatch):
    receipt = make_receipt()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("xiufu.evidence.views.verify_receipt", broken)
    response = check(client, receipt.to_json().encode(), PDF)
    assert response.status_code == 200
    assert response.context["check"].verdict.outcome == Outcome.MALFORMED
    assert "could not verify: RuntimeError" in text(response)


def test_the_page_renders_in_english_too(client, db):
    receipt = make_receipt()
    response = check(client, receipt.to_json().encode(), PDF, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response.context["check"].verdict.outcome == Outcome.VALID


def test_other_file_fields_are_ignored(client, db):
    receipt = make_receipt()
    response = check(client, receipt.to_json().encode(), PDF, extra=upload("x.bin", b"y" * 100))
    assert response.context["check"].verdict.outcome == Outcome.VALID


def test_an_unknown_action_just_shows_the_page(client, db):
    response = client.post(VERIFY, {"action": "other"})
    assert response.status_code == 200
    assert "check" not in response.context


def test_the_page_accepts_only_get_and_post(client, db):
    assert client.put(VERIFY).status_code == 405


# --- verification codes -------------------------------------------------------------------------


def test_a_code_in_the_link_is_filled_in_but_not_looked_up(client, db):
    response = client.get(VERIFY + "?code=AB12-CD34")
    assert 'value="AB12-CD34"' in text(response)
    assert "未找到该验证码" not in text(response)


def test_an_unknown_code_is_said_plainly(client, db):
    response = lookup(client, "ABCD-1234")
    assert response.status_code == 200
    assert "未找到该验证码，请核对后重试。" in text(response)


@pytest.mark.parametrize("code", ["ab", "A" * 65, "码码码码", "ABCD!1234"])
def test_a_malformed_code_is_a_form_error(client, db, code):
    response = lookup(client, code)
    assert "验证码应为4至64位字母或数字" in text(response)
    assert "未找到该验证码" not in text(response)


def test_a_registered_resolver_shows_the_document(client, db):
    seen: list[str] = []

    def resolver(code: str) -> codes.CodeResolution | None:
        seen.append(code)
        if code != "AB12CD34EF":
            return None
        return codes.CodeResolution(
            kind_label="异议处理结果告知书",
            document_number="YY-2026-000001-01",
            issued_on=date(2026, 12, 1),
            sha256="ab" * 32,
            size=12345,
            proves="该告知书由本平台于所示日期出具，文件的数字指纹如上。",
        )

    codes.register_code_resolver(resolver)
    try:
        response = lookup(client, "  ab12-cd34 ef ")
    finally:
        codes.unregister_code_resolver(resolver)
    assert seen == ["AB12CD34EF"]
    page = text(response)
    assert "验证码有效" in page
    for shown in ("异议处理结果告知书", "YY-2026-000001-01", "2026-12-01", "ab" * 32, "12345"):
        assert shown in page
    assert codes.resolve_code("AB12CD34EF") is None  # unregistered again


def test_code_lookups_are_rate_limited_per_address(client, db):
    for _ in range(codes.LOOKUPS_PER_WINDOW):
        assert lookup(client, "ABCD1234").status_code == 200
    response = lookup(client, "ABCD1234")
    assert response.status_code == 429
    assert "查询过于频繁" in text(response)
    assert "未找到该验证码" not in text(response)
    assert lookup(client, "ABCD1234", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_codes_are_normalised_and_bounded():
    assert codes.normalise_code(" ab-12 cd\u300034－ef ") == "AB12CD34EF"
    assert codes.normalise_code("abc") is None
    assert codes.normalise_code("A" * 64) == "A" * 64
    assert codes.normalise_code("A" * 65) is None
    assert codes.normalise_code("ÄBCD") is None


# --- the public log endpoints -------------------------------------------------------------------


def test_no_checkpoint_yet_is_404(client, db):
    for url in ("/evidence/checkpoint", "/evidence/checkpoint.json"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_the_checkpoint_is_the_signed_note_as_plain_text(client, db):
    append(b"one", b"two")
    ledger.do_publish_checkpoint()
    response = client.get("/evidence/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = text(response)
    latest = ledger.latest_checkpoint()
    assert latest is not None
    assert body == latest.note
    checkpoint, _signatures = note.open_checkpoint(body, [keys.log_signer().verifier])
    assert checkpoint.size == 2
    assert client.post("/evidence/checkpoint").status_code == 405


def test_the_checkpoint_file_carries_consistency_proofs(client, db):
    append(b"a", b"b", b"c")
    ledger.do_publish_checkpoint()
    old = client.get("/evidence/checkpoint.json").content
    append(b"d", b"e")
    ledger.do_publish_checkpoint()
    response = client.get("/evidence/checkpoint.json?from=3&from=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="checkpoint-5.json"'
    new = CheckpointFile.from_json(response.content)
    assert sorted(p.from_size for p in new.consistency) == [1, 3]
    verifier = keys.log_signer().verifier
    old_checkpoint, _ = note.open_checkpoint(CheckpointFile.from_json(old).checkpoint, [verifier])
    new_checkpoint, _ = note.open_checkpoint(new.checkpoint, [verifier])
    proof = new.proof_from(3)
    assert proof is not None
    assert (old_checkpoint.size, new_checkpoint.size) == (3, 5)
    assert merkle.verify_consistency(
        3, 5, old_checkpoint.root_hash, new_checkpoint.root_hash, proof.proof
    )
    verdict = verify_consistency_files(old, response.content, trusted_keys=[keys.log_signer().vkey])
    assert verdict.outcome == Outcome.VALID, verdict.line
    assert b"YY-2026" not in response.content  # no case number, only its keyed hash


@pytest.mark.parametrize(
    "query",
    [
        *("from=0", "from=-1", "from=abc", "from=", "from=1.5", "from=4", "from=1e3"),
        "from=%EF%BC%91",  # a full-width digit one
        "&".join(["from=1"] * 11),
    ],
)
def test_a_bad_from_is_400_with_a_json_error(client, db, query):
    append(b"a", b"b", b"c")
    ledger.do_publish_checkpoint()
    response = client.get(f"/evidence/checkpoint.json?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "from" in body["message"]


def test_the_key_endpoint_names_the_key_and_the_timestamp_authority(client, db):
    response = client.get("/evidence/key")
    assert response.status_code == 200
    body = json.loads(response.content)
    signer = keys.log_signer()
    assert body["vkey"] == signer.vkey
    assert body["key_id"] == signer.key_id.hex()
    assert body["origin"] == keys.log_origin()
    assert note.Verifier.from_vkey(body["vkey"]) == signer.verifier
    authority = keys.timestamp_authority()
    assert authority.local is not None
    assert body["timestamp"]["trust"] == "local"
    assert body["timestamp"]["tsa_chain"] == authority.local.chain_pem()
    assert all("BEGIN CERTIFICATE" in pem for pem in body["timestamp"]["tsa_chain"])


# --- in a real browser --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_checking_a_receipt_in_the_browser(browse, tmp_path):
    receipt = make_receipt()
    receipt_path = tmp_path / "receipt.json"
    receipt_path.write_text(receipt.to_json(), encoding="utf-8")
    file_path = tmp_path / "material.pdf"
    file_path.write_bytes(PDF)
    page = browse()
    page.goto(VERIFY)
    page.get_by_label("存证回执（.json 文件）").set_input_files(str(receipt_path))
    page.get_by_label("回执对应的文件（可选）").set_input_files(str(file_path))
    page.get_by_role("button", name="开始核验").click()
    page.wait_for_load_state("networkidle")
    verdict = page.locator("#verdict")
    assert verdict.locator(".verdict-outcome").inner_text() == "有效"
    assert "与本平台公布的公钥一致" in verdict.inner_text()
    assert "本地时间戳（本地信任）" in verdict.inner_text()
    screenshot(page, "verify-page")
