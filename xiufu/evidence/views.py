"""The public side of the evidence ledger, open to anyone without signing in.

* ``/verify/`` — the verification page: look up a document's verification code, or check an
  evidence receipt (and the file it is about) against the log key this platform publishes;
* ``/evidence/checkpoint`` — the latest signed checkpoint (a C2SP signed note, plain text);
* ``/evidence/checkpoint.json?from=N`` — the latest checkpoint file with consistency proofs from
  earlier tree sizes, the NEW of ``xiufu verify --consistency OLD NEW``;
* ``/evidence/key`` — the log's origin and verifier key, and the timestamp authority's chain.

Nothing uploaded is stored, and nothing about it is logged but its outcome. Nothing served here
holds personal data: entries carry only hashes, sizes, media types and a keyed case reference.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from xiufu.core.api import client_ip
from xiufu.core.errors import ErrorCode, InvalidInput
from xiufu.evidence import codes, keys, ledger, note
from xiufu.evidence.forms import CodeLookupForm, ReceiptCheckForm, UploadLimiter, upload_limits
from xiufu.evidence.receipt import Receipt, ReceiptMalformed, load_artifact
from xiufu.evidence.responses import checkpoint_response
from xiufu.evidence.verify import Outcome, Verdict, verify_receipt

logger = logging.getLogger("xiufu.evidence")

#: At most this many ``from`` sizes in one checkpoint file request.
MAX_FROM_SIZES = 10

OUTCOME_LABELS = {
    Outcome.VALID: gettext_lazy("有效"),
    Outcome.TAMPERED: gettext_lazy("已被篡改"),
    Outcome.UNTRUSTED: gettext_lazy("密钥或时间戳机构不受信任"),
    Outcome.MALFORMED: gettext_lazy("回执格式错误"),
}

#: The steps of ``verify_receipt``, in order, with their names on the page.
CHECK_LABELS = {
    "parse": gettext_lazy("回执格式"),
    "file": gettext_lazy("文件内容"),
    "entry": gettext_lazy("日志条目"),
    "leaf hash": gettext_lazy("叶哈希"),
    "checkpoint": gettext_lazy("签名检查点"),
    "inclusion": gettext_lazy("包含证明"),
    "timestamp": gettext_lazy("时间戳"),
}

#: The one-line reason in plain Chinese, by outcome and the step that decided it.
_REASONS = {
    (Outcome.MALFORMED, "parse"): gettext_lazy(
        "这不是一份完整有效的存证回执：文件结构不符合回执格式，无法核验。"
    ),
    (Outcome.MALFORMED, "file"): gettext_lazy("无法读取上传的文件，请重新选择后再试。"),
    (Outcome.MALFORMED, "checkpoint"): gettext_lazy("回执中的签名检查点格式错误，无法核验。"),
    (Outcome.MALFORMED, "timestamp"): gettext_lazy("回执中的时间戳格式错误，无法核验。"),
    (Outcome.TAMPERED, "file"): gettext_lazy(
        "文件与回执登记的数字指纹不一致：文件已被改动，或者不是这份回执对应的文件。"
    ),
    (Outcome.TAMPERED, "entry"): gettext_lazy(
        "回执中的日志条目与回执所述文件不一致：回执已被改动。"
    ),
    (Outcome.TAMPERED, "checkpoint"): gettext_lazy(
        "签名检查点的签名无法通过验证：回执中的检查点已被改动。"
    ),
    (Outcome.TAMPERED, "inclusion"): gettext_lazy(
        "包含证明不能推出已签名的日志树根：回执已被改动，该条目不在所签名的日志中。"
    ),
    (Outcome.TAMPERED, "timestamp"): gettext_lazy(
        "时间戳与签名检查点不符：时间戳或检查点已被改动。"
    ),
    (Outcome.UNTRUSTED, "checkpoint"): gettext_lazy(
        "签名检查点不是由本平台公布的公钥签名的，不能确认这份回执出自本平台。"
    ),
    (Outcome.UNTRUSTED, "timestamp"): gettext_lazy("时间戳不是由受信任的时间戳机构签发的。"),
}
_DEFAULT_REASONS = {
    Outcome.VALID: gettext_lazy(
        "回执有效：文件与登记时完全一致，登记记录包含在本平台签名的存证日志中，并有时间戳证明。"
    ),
    Outcome.TAMPERED: gettext_lazy("回执或文件已被改动。"),
    Outcome.UNTRUSTED: gettext_lazy("签名密钥或时间戳机构不受信任。"),
    Outcome.MALFORMED: gettext_lazy("回执格式错误，无法核验。"),
}


# --- the verification page -----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    label: str
    done: bool
    ok: bool
    detail: str


@dataclass(frozen=True)
class FactRow:
    label: str
    value: str
    technical: bool = False


@dataclass(frozen=True)
class ReceiptCheck:
    """A verdict as the page shows it."""

    verdict: Verdict
    outcome_class: str
    outcome_label: str
    reason: str
    checks: list[CheckRow]
    facts: list[FactRow]
    receipt_key: str | None
    key_matches: bool | None
    local_timestamp: bool
    key_from_receipt: bool
    file_checked: bool
    tree_size: int | None = None


def check_receipt(receipt: bytes, file: UploadedFile | None) -> ReceiptCheck:
    """Verify ``receipt`` (and ``file``) with the log key pinned to the one this platform
    publishes: a receipt naming another key is UNTRUSTED."""
    published = keys.log_signer().verifier
    receipt_key = _receipt_key(receipt)
    stream = cast(BinaryIO, file) if file is not None else None  # an UploadedFile reads alike
    try:
        verdict = verify_receipt(receipt, stream, trusted_keys=[published.vkey])
    except Exception as exc:  # never a 500 for an upload: say it could not be checked
        logger.exception("the public page could not verify a receipt")
        verdict = Verdict(Outcome.MALFORMED, f"could not verify: {type(exc).__name__}")
    logger.info(
        "receipt checked on the public page",
        extra={"outcome": verdict.outcome.name, "with_file": file is not None},
    )
    facts = verdict.facts
    failed = next((c.name for c in verdict.checks if not c.ok), None)
    reason = _REASONS.get((verdict.outcome, failed or ""), _DEFAULT_REASONS[verdict.outcome])
    key_matches = None if receipt_key is None else receipt_key == published
    if verdict.outcome == Outcome.UNTRUSTED and key_matches is False:
        reason = gettext_lazy(
            "回执所载的日志公钥与本平台公布的公钥不一致，不能确认这份回执出自本平台。"
        )
    elif verdict.outcome == Outcome.VALID and file is None:
        reason = gettext_lazy(
            "回执本身有效：登记记录包含在本平台签名的存证日志中，并有时间戳证明。"
            "未上传文件，因此未核对文件内容。"
        )
    tree_size = facts.get("tree_size")
    return ReceiptCheck(
        verdict=verdict,
        outcome_class=verdict.outcome.name.lower(),
        outcome_label=str(OUTCOME_LABELS[verdict.outcome]),
        reason=str(reason),
        checks=_check_rows(verdict, file_given=file is not None),
        facts=_fact_rows(facts),
        receipt_key=receipt_key.vkey if receipt_key is not None else None,
        key_matches=key_matches,
        local_timestamp=facts.get("timestamp_trust") == "local",
        key_from_receipt=facts.get("key_trust") == "from receipt",
        file_checked="file_sha256" in facts,
        tree_size=tree_size if isinstance(tree_size, int) else None,
    )


def _receipt_key(receipt: bytes) -> note.Verifier | None:
    try:
        artifact = load_artifact(receipt)
    except (ReceiptMalformed, ValueError):
        return None
    return artifact.log.verifier if isinstance(artifact, Receipt) else None


def _check_rows(verdict: Verdict, *, file_given: bool) -> list[CheckRow]:
    done = {check.name: check for check in verdict.checks}
    names = [*CHECK_LABELS, *(name for name in done if name not in CHECK_LABELS)]
    rows = []
    for name in names:
        check = done.get(name)
        label = str(CHECK_LABELS.get(name, name))
        if check is None:
            rows.append(CheckRow(label, False, False, _("未进行：前一步未通过。")))
        elif name == "file" and check.ok and not file_given:
            rows.append(CheckRow(label, False, False, _("未上传文件，未核对文件内容。")))
        else:
            rows.append(CheckRow(label, True, check.ok, check.detail))
    return rows


_KINDS = {"material": gettext_lazy("申请材料"), "letter": gettext_lazy("本平台出具的文书")}


def _fact_rows(facts: dict[str, Any]) -> list[FactRow]:
    rows: list[FactRow] = []

    def add(key: str, label: str, value: Any = None, *, technical: bool = False) -> None:
        if facts.get(key) is not None:
            shown = facts[key] if value is None else value
            rows.append(FactRow(label, str(shown), technical))

    add("kind", _("类别"), _KINDS.get(str(facts.get("kind")), facts.get("kind")))
    add("received_at", _("登记时间（UTC）"))
    add("file_sha256", _("上传文件的数字指纹（SHA-256）"), technical=True)
    if isinstance(facts.get("file_size"), int):
        add("file_size", _("上传文件大小"), _bytes(facts["file_size"]))
    add("subject_sha256", _("登记的数字指纹（SHA-256）"), technical=True)
    add("leaf_index", _("日志条目序号"))
    add("tree_size", _("签名检查点的树大小"))
    add("root", _("树根哈希"), technical=True)
    add("origin", _("日志名称"), technical=True)
    add("key", _("签名公钥（名称+编号）"), technical=True)
    key_trust = facts.get("key_trust")
    if key_trust is not None:
        shown = (
            _("已固定为本平台公布的公钥")
            if key_trust == "pinned"
            else _("取自回执本身（未与公布的公钥核对）")
        )
        rows.append(FactRow(_("公钥来源"), shown))
    add("gen_time", _("时间戳时间（UTC）"))
    add("tsa_name", _("时间戳机构"), technical=True)
    trust = facts.get("timestamp_trust")
    if trust is not None:
        shown = _("本地时间戳（本地信任）") if trust == "local" else _("外部时间戳机构")
        rows.append(FactRow(_("时间戳类型"), shown))
    root_trust = facts.get("tsa_root_trust")
    if root_trust is not None:
        shown = _("已固定为指定的根证书") if root_trust == "pinned" else _("取自回执所附证书链")
        rows.append(FactRow(_("时间戳根证书来源"), shown))
    return rows


def _bytes(size: int) -> str:
    if size < 1024:
        return _("%(size)s 字节") % {"size": size}
    return _("%(human)s（%(size)s 字节）") % {"human": filesizeformat(size), "size": size}


def _published_key() -> dict[str, Any]:
    signer = keys.log_signer()
    authority = keys.timestamp_authority()
    latest = ledger.latest_checkpoint()
    return {
        "origin": keys.log_origin(),
        "vkey": signer.vkey,
        "key_name": signer.name,
        "key_id": signer.key_id.hex(),
        "timestamp_trust": authority.trust,
        "tsa_url": authority.url,
        "latest_size": latest.size if latest is not None else None,
    }


@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The verification page. Uploads are bounded while they stream in, which needs the limiter
    in place before anything reads the body — the CSRF check included, so it runs after."""
    if request.method == "POST":
        limiter = UploadLimiter(request, upload_limits())
        try:
            request.upload_handlers = [limiter, *request.upload_handlers]
        except AttributeError:  # a middleware read the body first: Django's own limits apply
            logger.warning("the verification page's upload limiter could not be installed")
    return _verify_page(request)


@csrf_protect
def _verify_page(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "code_form": CodeLookupForm(initial={"code": request.GET.get("code", "")[:200]}),
        "receipt_form": ReceiptCheckForm(),
    }
    status = 200
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "code":
        status = _lookup(request, context)
    elif action == "receipt":
        limiter = next((h for h in request.upload_handlers if isinstance(h, UploadLimiter)), None)
        oversize = limiter.oversize if limiter is not None else set()
        form = ReceiptCheckForm(request.POST, request.FILES, oversize=oversize)
        context["receipt_form"] = form
        if form.is_valid():
            context["check"] = check_receipt(
                form.cleaned_data["receipt"], form.cleaned_data["file"]
            )
    context["published"] = _published_key()
    context["endpoints"] = {
        name: request.build_absolute_uri(reverse(f"evidence:{name}"))
        for name in ("checkpoint", "checkpoint_file", "key")
    }
    return render(request, "evidence/verify.html", context, status=status)


def _lookup(request: HttpRequest, context: dict[str, Any]) -> int:
    """Look a code up, rate-limited per client address; returns the status of the page."""
    form = CodeLookupForm(request.POST)
    context["code_form"] = form
    if not codes.lookup_allowed(client_ip(request) or "unknown"):
        context["lookup"] = "limited"
        return 429
    if form.is_valid():
        found = codes.resolve_code(form.cleaned_data["code"])
        logger.info("verification code looked up", extra={"found": found is not None})
        context["lookup"] = "found" if found is not None else "not_found"
        context["resolution"] = found
    return 200


# --- the public log endpoints --------------------------------------------------------------------


def _json(body: dict[str, Any], *, status: int = 200) -> HttpResponse:
    response = JsonResponse(
        body, status=status, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    return _public(response)


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _no_checkpoint() -> HttpResponse:
    error = InvalidInput(ErrorCode.NOT_FOUND, _("存证日志尚未发布签名检查点，请稍后再试。"))
    return _json(error.as_body(), status=404)


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint note, as ``text/plain`` (the C2SP tlog-checkpoint form)."""
    latest = ledger.latest_checkpoint()
    if latest is None:
        return _no_checkpoint()
    return _public(HttpResponse(latest.note, content_type="text/plain; charset=utf-8"))


@require_safe
def checkpoint_file(request: HttpRequest) -> HttpResponse:
    """The latest checkpoint file, with consistency proofs from each ``from`` tree size."""
    latest = ledger.latest_checkpoint()
    if latest is None:
        return _no_checkpoint()
    try:
        sizes = parse_from_sizes(request.GET.getlist("from"), latest.size)
    except InvalidInput as exc:
        return _json(exc.as_body(), status=400)
    return _public(
        checkpoint_response(ledger.checkpoint_file(latest, from_sizes=sizes), latest.size)
    )


def parse_from_sizes(values: Sequence[str], latest_size: int) -> list[int]:
    """The ``from`` tree sizes: at most ten integers from 1 to the latest size."""
    if len(values) > MAX_FROM_SIZES:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("参数 from 最多可以给出 %(count)s 个。") % {"count": MAX_FROM_SIZES},
            details={"field": "from", "max_values": MAX_FROM_SIZES},
        )
    sizes = []
    for value in values:
        text = value.strip()
        size = int(text) if text.isascii() and text.isdigit() and len(text) <= 20 else 0
        if not 1 <= size <= latest_size:
            raise InvalidInput(
                ErrorCode.INVALID_INPUT,
                _("参数 from 须为 1 至 %(size)s 之间的整数（此前检查点的树大小）。")
                % {"size": latest_size},
                details={"field": "from", "value": value[:40], "max": latest_size},
            )
        sizes.append(size)
    return sizes


@require_safe
def log_key(request: HttpRequest) -> HttpResponse:
    """The log's origin and verifier key, and where its timestamps come from."""
    signer = keys.log_signer()
    authority = keys.timestamp_authority()
    if authority.local is not None:
        chain = authority.local.chain_pem()
    else:
        chain = list(authority.chain_pem or [])
    return _json(
        {
            "origin": keys.log_origin(),
            "vkey": signer.vkey,
            "key_name": signer.name,
            "key_id": signer.key_id.hex(),
            "timestamp": {
                "trust": authority.trust,
                "tsa_url": authority.url,
                "tsa_chain": chain,
            },
        }
    )
