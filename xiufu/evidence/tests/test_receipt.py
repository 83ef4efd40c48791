"""Receipts, checkpoint files and log entries: the shapes and their strict parsers. Pure tests."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xiufu.evidence import merkle
from xiufu.evidence.note import Signer
from xiufu.evidence.receipt import (
    CHECKPOINT_FORMAT,
    MAX_ARTIFACT_SIZE,
    RECEIPT_FORMAT,
    CheckpointFile,
    ConsistencyProof,
    EntryInvalid,
    Leaf,
    LogKey,
    Receipt,
    ReceiptMalformed,
    Subject,
    TimestampToken,
    canonical_entry,
    load_artifact,
    parse_entry,
)

SIGNER = Signer.generate("xiufu.test/log")
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
CONTENT = b"%PDF-1.7 a material"
SHA = hashlib.sha256(CONTENT).hexdigest()
CASE_REF = hashlib.sha256(b"case 2026-0001").hexdigest()

RECORD = {
    "v": 1,
    "kind": "material",
    "sha256": SHA,
    "size": len(CONTENT),
    "media_type": "application/pdf",
    "case_ref": CASE_REF,
    "received_at": "2026-11-30T07:39:38Z",
}


def make_receipt(**changes: object) -> Receipt:
    receipt = Receipt(
        subject=Subject("material", SHA, len(CONTENT), "application/pdf", "材料 #12 of case X"),
        log=LogKey("xiufu.test/log", SIGNER.vkey),
        leaf=Leaf(3, canonical_entry(RECORD).decode()),
        inclusion_proof=(bytes(range(32)), bytes(32)),
        checkpoint="xiufu.test/log\n4\n" + base64.b64encode(bytes(32)).decode() + "\n\n— sig\n",
        timestamp=TimestampToken(b"\x30\x03\x02\x01\x00", (PEM, PEM), "local", None),
    )
    return dataclasses.replace(receipt, **changes)  # type: ignore[arg-type]


def receipt_document(**changes: object) -> dict:
    document = json.loads(make_receipt().to_json())
    document.update(changes)
    return document


def make_checkpoint_file() -> CheckpointFile:
    receipt = make_receipt()
    return CheckpointFile(
        log=receipt.log,
        checkpoint=receipt.checkpoint,
        timestamp=dataclasses.replace(receipt.timestamp, trust="external", tsa_url="https://t"),
        consistency=(ConsistencyProof(2, (bytes(32),)), ConsistencyProof(4, ())),
    )


# --- entries -------------------------------------------------------------------------------------


def test_the_canonical_entry_is_sorted_compact_json():
    assert (
        canonical_entry(RECORD)
        == (
            '{"case_ref":"' + CASE_REF + '","kind":"material","media_type":"application/pdf",'
            '"received_at":"2026-11-30T07:39:38Z","sha256":"' + SHA + '","size":19,"v":1}'
        ).encode()
    )


def test_an_entry_parses_back_to_its_record():
    assert parse_entry(canonical_entry(RECORD)) == RECORD
    assert parse_entry(canonical_entry(RECORD).decode()) == RECORD


def test_a_fraction_of_a_second_is_accepted():
    record = {**RECORD, "received_at": "2026-11-30T07:39:38.123456Z"}
    assert parse_entry(canonical_entry(record)) == record


BAD_FIELDS = [
    ("v", 2),
    ("v", True),
    ("v", "1"),
    ("kind", "letterx"),
    ("kind", None),
    ("sha256", SHA.upper()),
    ("sha256", SHA[:-1]),
    ("sha256", 12),
    ("size", -1),
    ("size", 1.0),
    ("size", True),
    ("size", 2**64),
    ("media_type", ""),
    ("media_type", "pdf"),
    ("media_type", "application/pdf\n"),
    ("media_type", "x" * 300 + "/pdf"),
    ("case_ref", "12345678901234567890xyz"),
    ("case_ref", "abc"),
    ("case_ref", CASE_REF.upper()),
    ("received_at", "2026-11-30 07:39:38Z"),
    ("received_at", "2026-11-30T07:39:38+08:00"),
    ("received_at", "2026-11-30T07:39:38"),
    ("received_at", "2026-02-30T07:39:38Z"),
    ("received_at", "2026-11-30T24:00:00Z"),
    ("received_at", 1764488378),
]


@pytest.mark.parametrize(("key", "value"), BAD_FIELDS)
def test_an_invalid_field_is_refused(key, value):
    record = {**RECORD, key: value}
    with pytest.raises(EntryInvalid, match=key):
        canonical_entry(record)
    text = json.dumps(record)
    with pytest.raises(EntryInvalid, match=key):
        parse_entry(text)


@pytest.mark.parametrize("key", sorted(RECORD))
def test_a_missing_field_is_refused(key):
    record = {k: v for k, v in RECORD.items() if k != key}
    with pytest.raises(EntryInvalid, match="lacks"):
        canonical_entry(record)


def test_no_other_key_can_enter_the_log():
    with pytest.raises(EntryInvalid, match="unknown keys 'case_number'"):
        canonical_entry({**RECORD, "case_number": "（2026）京征异字第1号"})


@pytest.mark.parametrize(
    "text",
    [
        b"\xff",
        "not json",
        "[]",
        '"a string"',
        "",
        canonical_entry(RECORD).decode()[:-1],
        canonical_entry(RECORD).decode()[:-1] + ',"v":1}',  # a duplicate key
    ],
)
def test_an_entry_that_is_not_a_json_object_is_refused(text):
    with pytest.raises(EntryInvalid):
        parse_entry(text)


records = st.fixed_dictionaries(
    {
        "v": st.just(1),
        "kind": st.sampled_from(["material", "letter"]),
        "sha256": st.binary(min_size=32, max_size=32).map(bytes.hex),
        "size": st.integers(0, 2**64 - 1),
        "media_type": st.sampled_from(
            ["application/pdf", "image/jpeg", "text/plain; charset=utf-8", "application/ofd"]
        ),
        "case_ref": st.binary(min_size=8, max_size=64).map(bytes.hex),
        "received_at": st.datetimes(
            min_value=__import__("datetime").datetime(1970, 1, 1),
            max_value=__import__("datetime").datetime(9999, 12, 31),
        ).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    }
)


@given(records)
def test_every_valid_record_round_trips(record):
    entry = canonical_entry(record)
    assert parse_entry(entry) == record
    assert canonical_entry(parse_entry(entry)) == entry


# --- receipts ------------------------------------------------------------------------------------


def test_a_receipt_round_trips():
    receipt = make_receipt()
    assert Receipt.from_json(receipt.to_json()) == receipt
    assert Receipt.from_json(receipt.to_json().encode()) == receipt
    assert load_artifact(receipt.to_json()) == receipt


def test_the_receipt_file_is_pretty_printed_utf8_in_the_documented_order():
    text = make_receipt().to_json()
    assert text.startswith('{\n  "format": "xiufu-evidence-receipt/1",\n  "subject": {\n')
    assert text.endswith("}\n")
    assert "材料 #12" in text  # not \u escapes
    assert list(json.loads(text)) == [
        "format",
        "subject",
        "log",
        "leaf",
        "inclusion_proof",
        "checkpoint",
        "timestamp",
    ]
    document = json.loads(text)
    assert document["timestamp"] == {
        "response": "MAMCAQA=",
        "tsa_chain": [PEM, PEM],
        "trust": "local",
        "tsa_url": None,
    }
    assert document["inclusion_proof"][0] == base64.b64encode(bytes(range(32))).decode()
    assert document["leaf"] == {"index": 3, "entry": canonical_entry(RECORD).decode()}


def test_the_label_is_optional():
    receipt = make_receipt(subject=Subject("letter", SHA, 1, "application/pdf"))
    document = json.loads(receipt.to_json())
    assert "label" not in document["subject"]
    assert Receipt.from_json(receipt.to_json()) == receipt
    document["subject"]["label"] = None
    assert Receipt.from_json(json.dumps(document)).subject.label is None


def test_an_empty_label_or_url_is_tolerated():
    document = receipt_document()
    document["subject"]["label"] = ""
    document["timestamp"]["tsa_url"] = ""
    receipt = Receipt.from_json(json.dumps(document))
    assert (receipt.subject.label, receipt.timestamp.tsa_url) == ("", "")


def test_a_byte_order_mark_is_tolerated():
    receipt = make_receipt()
    assert Receipt.from_json("\ufeff" + receipt.to_json()) == receipt
    assert Receipt.from_json(b"\xef\xbb\xbf" + receipt.to_json().encode()) == receipt


def _without(document: dict, path: tuple[str, ...]) -> dict:
    node = document
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return document


REQUIRED = [
    ("format",),
    ("subject",),
    ("log",),
    ("leaf",),
    ("inclusion_proof",),
    ("checkpoint",),
    ("timestamp",),
    ("subject", "kind"),
    ("subject", "sha256"),
    ("subject", "size"),
    ("subject", "media_type"),
    ("log", "origin"),
    ("log", "public_key"),
    ("leaf", "index"),
    ("leaf", "entry"),
    ("timestamp", "response"),
    ("timestamp", "tsa_chain"),
    ("timestamp", "trust"),
]


@pytest.mark.parametrize("path", REQUIRED, ids=".".join)
def test_a_missing_field_makes_the_receipt_malformed(path):
    document = _without(receipt_document(), path)
    with pytest.raises(ReceiptMalformed):
        Receipt.from_json(json.dumps(document))


def _set(path: tuple[str, ...], value: object) -> str:
    document = receipt_document()
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return json.dumps(document, ensure_ascii=False)


WRONG = [
    (("format",), "xiufu-evidence-receipt/2", "format"),
    (("format",), None, "format"),
    (("format",), CHECKPOINT_FORMAT, "format"),
    (("extra",), 1, "unknown keys 'extra'"),
    (("subject",), [], "subject must be an object"),
    (("subject", "kind"), "photo", "subject.kind"),
    (("subject", "sha256"), "00", "subject.sha256"),
    (("subject", "size"), -1, "subject.size must not be negative"),
    (("subject", "size"), "19", "subject.size must be an integer"),
    (("subject", "size"), 19.0, "subject.size must be an integer"),
    (("subject", "media_type"), "application", "subject.media_type"),
    (("subject", "label"), 12, "subject.label must be a string"),
    (("subject", "name"), "张三", "subject has unknown keys 'name'"),
    (("log", "origin"), "", "log.origin must not be empty"),
    (("log", "origin"), "a\nb", "log.origin"),
    (("log", "public_key"), "xiufu.test/log+00000000+AQ==", "log.public_key"),
    (("leaf", "index"), -1, "leaf.index must not be negative"),
    (("leaf", "index"), True, "leaf.index must be an integer"),
    (("leaf", "index"), 1.5, "leaf.index must be an integer"),
    (("leaf", "index"), 2**64, "leaf.index is larger"),
    (("leaf", "entry"), {"v": 1}, "leaf.entry must be a string"),
    (("inclusion_proof",), "AAAA", "inclusion_proof must be a list"),
    (("inclusion_proof",), [base64.b64encode(bytes(31)).decode()], r"inclusion_proof\[0\]"),
    (("inclusion_proof",), [base64.b64encode(bytes(33)).decode()], r"inclusion_proof\[0\]"),
    (("inclusion_proof",), ["A" * 43], r"inclusion_proof\[0\]"),  # no padding
    (("inclusion_proof",), ["A" * 42 + "B="], r"inclusion_proof\[0\]"),  # not canonical
    (("inclusion_proof",), [None], r"inclusion_proof\[0\]"),
    (("inclusion_proof",), [base64.b64encode(bytes(32)).decode()] * 65, "more than 64"),
    (("checkpoint",), 5, "checkpoint must be a string"),
    (("checkpoint",), "", "checkpoint must not be empty"),
    (("timestamp", "response"), "not base64!", "timestamp.response"),
    (("timestamp", "response"), "", "timestamp.response"),
    (("timestamp", "tsa_chain"), [], "timestamp.tsa_chain"),
    (("timestamp", "tsa_chain"), ["not a certificate"], r"timestamp.tsa_chain\[0\]"),
    (("timestamp", "tsa_chain"), PEM, "timestamp.tsa_chain must be a list"),
    (("timestamp", "trust"), "trusted", "timestamp.trust"),
    (("timestamp", "tsa_url"), 5, "timestamp.tsa_url must be a string"),
]


@pytest.mark.parametrize(("path", "value", "message"), WRONG)
def test_a_wrong_field_makes_the_receipt_malformed(path, value, message):
    with pytest.raises(ReceiptMalformed, match=message):
        Receipt.from_json(_set(path, value))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("  \n", "empty"),
        (b"", "empty"),
        ("garbage", "not JSON"),
        ("{", "not JSON"),
        ("[]", "not a JSON object"),
        ("null", "not a JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
        ('{"format": NaN}', "NaN is not allowed"),
        ('{"format": 1, "format": 2}', "duplicate key 'format'"),
        ("[" * 100_000 + "]" * 100_000, "not JSON"),
    ],
)
def test_garbage_is_malformed(text, message):
    with pytest.raises(ReceiptMalformed, match=message):
        Receipt.from_json(text)


def test_truncated_receipts_are_malformed():
    text = make_receipt().to_json()
    for end in range(0, len(text) - 2, 7):
        with pytest.raises(ReceiptMalformed):
            Receipt.from_json(text[:end])


def test_an_oversize_receipt_is_refused_before_parsing():
    document = receipt_document()
    document["subject"]["label"] = "x" * MAX_ARTIFACT_SIZE
    with pytest.raises(ReceiptMalformed, match="larger than"):
        Receipt.from_json(json.dumps(document))
    with pytest.raises(ReceiptMalformed, match="larger than"):
        Receipt.from_json(b" " * (MAX_ARTIFACT_SIZE + 1))
    with pytest.raises(ReceiptMalformed, match="larger than"):
        Receipt.from_json("材" * (MAX_ARTIFACT_SIZE // 3 + 1))  # 3 bytes each in UTF-8


def test_a_maximal_proof_is_accepted():
    proof = tuple(bytes([n]) * 32 for n in range(merkle.MAX_PROOF_LENGTH))
    receipt = make_receipt(inclusion_proof=proof)
    assert Receipt.from_json(receipt.to_json()).inclusion_proof == proof


@settings(max_examples=300)
@given(st.data())
def test_a_mutated_receipt_parses_or_is_malformed(data):
    text = make_receipt().to_json().encode()
    position = data.draw(st.integers(0, len(text) - 1))
    value = data.draw(st.integers(0, 255))
    mutated = text[:position] + bytes([value]) + text[position + 1 :]
    reason = None
    try:
        receipt = Receipt.from_json(mutated)
    except ReceiptMalformed as exc:
        reason = exc.reason
    if reason is None:
        assert Receipt.from_json(receipt.to_json()) == receipt
    else:
        assert reason
        assert "\n" not in reason


receipts = st.builds(
    Receipt,
    subject=st.builds(
        Subject,
        kind=st.sampled_from(["material", "letter"]),
        sha256=st.binary(min_size=32, max_size=32).map(bytes.hex),
        size=st.integers(0, 2**64 - 1),
        media_type=st.sampled_from(["application/pdf", "image/png"]),
        label=st.none()
        | st.text(min_size=1, max_size=40).filter(
            lambda s: not any("\ud800" <= c <= "\udfff" for c in s)
        ),
    ),
    log=st.just(LogKey("xiufu.test/log", SIGNER.vkey)),
    leaf=st.builds(Leaf, index=st.integers(0, 2**64 - 1), entry=st.just("{}")),
    inclusion_proof=st.lists(st.binary(min_size=32, max_size=32), max_size=64).map(tuple),
    checkpoint=st.text(min_size=1).filter(lambda s: not any("\ud800" <= c <= "\udfff" for c in s)),
    timestamp=st.builds(
        TimestampToken,
        response=st.binary(min_size=1, max_size=200),
        tsa_chain=st.lists(st.just(PEM), min_size=1, max_size=3).map(tuple),
        trust=st.sampled_from(["local", "external"]),
        tsa_url=st.none() | st.just("https://tsa.example/"),
    ),
)


@given(receipts)
def test_every_receipt_round_trips(receipt):
    assert Receipt.from_json(receipt.to_json()) == receipt


# --- checkpoint files ----------------------------------------------------------------------------


def test_a_checkpoint_file_round_trips():
    checkpoint_file = make_checkpoint_file()
    text = checkpoint_file.to_json()
    assert json.loads(text)["format"] == CHECKPOINT_FORMAT
    assert list(json.loads(text)) == ["format", "log", "checkpoint", "timestamp", "consistency"]
    assert CheckpointFile.from_json(text) == checkpoint_file
    assert load_artifact(text) == checkpoint_file
    assert checkpoint_file.proof_from(2) == ConsistencyProof(2, (bytes(32),))
    assert checkpoint_file.proof_from(3) is None


def test_a_checkpoint_file_may_carry_no_consistency_proof():
    checkpoint_file = dataclasses.replace(make_checkpoint_file(), consistency=())
    assert CheckpointFile.from_json(checkpoint_file.to_json()) == checkpoint_file


@pytest.mark.parametrize(
    ("consistency", "message"),
    [
        (None, "consistency must be a list"),
        ([{"from_size": 1}], r"consistency\[0\] lacks proof"),
        ([{"from_size": -1, "proof": []}], "must not be negative"),
        ([{"from_size": 1, "proof": ["x"]}], r"consistency\[0\].proof\[0\]"),
        ([{"from_size": 1, "proof": [], "to_size": 3}], "unknown keys 'to_size'"),
        ([{"from_size": 1, "proof": []}, {"from_size": 1, "proof": []}], "same from_size"),
    ],
)
def test_a_wrong_consistency_list_is_malformed(consistency, message):
    document = json.loads(make_checkpoint_file().to_json())
    document["consistency"] = consistency
    with pytest.raises(ReceiptMalformed, match=message):
        CheckpointFile.from_json(json.dumps(document))


def test_a_receipt_is_not_a_checkpoint_file_nor_the_reverse():
    with pytest.raises(ReceiptMalformed, match="expected 'xiufu-evidence-checkpoint/1'"):
        CheckpointFile.from_json(make_receipt().to_json())
    with pytest.raises(ReceiptMalformed, match="expected 'xiufu-evidence-receipt/1'"):
        Receipt.from_json(make_checkpoint_file().to_json())


@pytest.mark.parametrize("fmt", ["xiufu-evidence-receipt/0", "", None, 1, "x" * 200])
def test_load_artifact_refuses_unknown_formats(fmt):
    document = receipt_document(format=fmt)
    with pytest.raises(ReceiptMalformed, match="format is") as caught:
        load_artifact(json.dumps(document))
    assert RECEIPT_FORMAT in caught.value.reason
    assert len(caught.value.reason) < 200
