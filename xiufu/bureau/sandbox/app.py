"""The sandbox bureau's HTTP interface, a WSGI app: JSON under ``/v1/`` for programs, two plain
HTML pages (the enterprise list and an enterprise's report) for people. See
docs/bureau-protocol.md for the API."""

from __future__ import annotations

import hmac
import html
import http
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from xiufu.bureau.messages import validate_message
from xiufu.bureau.sandbox.faults import Faults, FaultsError, FaultSwitch
from xiufu.bureau.sandbox.store import IdempotencyConflict, Store, UnknownEnterprise

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

__all__ = ["DROP_CONNECTION", "MAX_BODY_BYTES", "SandboxApp"]

MAX_BODY_BYTES = 1024 * 1024
#: Set in the WSGI environ when the response must be dropped; our server then closes the
#: connection without a byte (any other WSGI server sends the 502 the app prepared).
DROP_CONNECTION = "xiufu.sandbox.drop_connection"
# A body a little over the limit is read and discarded, so the client can read the 413 instead of
# a connection reset; a larger one is not worth reading.
_DRAIN_LIMIT = 8 * MAX_BODY_BYTES
_JSON = "application/json; charset=utf-8"
_HTML = "text/html; charset=utf-8"
_BEIJING = timezone(timedelta(hours=8))  # display only; no DST in China

KIND_LABELS = {
    "loan": "借贷账户",
    "credit_agreement": "授信协议",
    "max_guarantee_contract": "最高额保证合同",
    "guarantee": "担保账户",
    "basic_info": "基本信息",
    "public_record": "公共记录",
}


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = _JSON
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop: bool = False


class _HttpError(Exception):
    def __init__(self, status: int, error: str, **details: Any) -> None:
        super().__init__(error)
        self.response = _json(status, {"error": error, **details})


def _json(status: int, data: Any) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


@dataclass
class Request:
    environ: WSGIEnvironment
    method: str
    params: dict[str, str]
    query: dict[str, str]
    _body: bytes | None = None

    def body(self) -> bytes:
        if self._body is None:
            self._body = self._read_body()
        return self._body

    def _read_body(self) -> bytes:
        try:
            length = int(self.environ.get("CONTENT_LENGTH") or "0")
        except ValueError:
            raise _HttpError(400, "bad_request", message="bad Content-Length") from None
        stream = self.environ["wsgi.input"]
        if length > MAX_BODY_BYTES:
            while 0 < length <= _DRAIN_LIMIT:
                chunk = stream.read(min(length, 65536))
                length = length - len(chunk) if chunk else 0
            raise _HttpError(413, "too_large", message=f"body larger than {MAX_BODY_BYTES} bytes")
        return bytes(stream.read(length)) if length > 0 else b""

    def json(self) -> Any:
        try:
            return json.loads(self.body().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _HttpError(
                400, "bad_json", message=f"the body is not UTF-8 JSON: {exc}"
            ) from None


_ROUTES: list[tuple[re.Pattern[str], dict[str, str]]] = [
    (re.compile(r"/health"), {"GET": "health"}),
    (re.compile(r"/"), {"GET": "index_page"}),
    (re.compile(r"/reports/(?P<uscc>[^/]+)"), {"GET": "report_page"}),
    (re.compile(r"/v1/messages"), {"POST": "post_message"}),
    (re.compile(r"/v1/messages/(?P<message_id>[^/]+)"), {"GET": "get_message"}),
    (re.compile(r"/v1/feedback"), {"GET": "get_feedback"}),
    (re.compile(r"/v1/reports/(?P<uscc>[^/]+)"), {"GET": "get_report"}),
    (re.compile(r"/v1/reports/(?P<uscc>[^/]+)/statements"), {"POST": "post_statement"}),
    # The business id may contain "/" (it is the rest of the path).
    (re.compile(r"/v1/records/(?P<kind>[a-z_]+)/(?P<business_id>.+)"), {"GET": "get_record"}),
    (re.compile(r"/v1/faults"), {"GET": "get_faults", "PUT": "put_faults"}),
]


class SandboxApp:
    """The WSGI app. ``on_received`` is called after a message is stored or the faults change (it
    wakes the applier); ``stopping`` cuts an injected timeout short when the server stops."""

    def __init__(
        self,
        store: Store,
        faults: FaultSwitch,
        *,
        delay: float,
        admin_token: str | None = None,
        on_received: Callable[[], None] = lambda: None,
        stopping: threading.Event | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.faults = faults
        self.delay = delay
        self.admin_token = admin_token or None
        self.on_received = on_received
        self.stopping = stopping or threading.Event()
        self.clock = clock

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            response = self._dispatch(environ)
        except _HttpError as exc:
            response = exc.response
        finally:
            self.store.close()  # wsgiref runs each request in a thread of its own
        status = response.status
        if response.drop:
            environ[DROP_CONNECTION] = True
            status, response = 502, _json(502, {"error": "dropped"})
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Cache-Control", "no-store"),
            *response.headers,
        ]
        start_response(f"{status} {http.HTTPStatus(status).phrase}", headers)
        return [response.body]

    def _dispatch(self, environ: WSGIEnvironment) -> Response:
        # PEP 3333: PATH_INFO holds the URL-decoded bytes as latin-1; the bytes are UTF-8.
        raw_path = str(environ.get("PATH_INFO") or "/")
        path = raw_path.encode("latin-1").decode("utf-8", "replace")
        if path != "/v1/faults" and self.faults.is_down():
            raise _HttpError(503, "unavailable")
        for pattern, methods in _ROUTES:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            method = str(environ.get("REQUEST_METHOD") or "GET")
            if method not in methods:
                response = _json(405, {"error": "method_not_allowed"})
                response.headers.append(("Allow", ", ".join(methods)))
                return response
            query = urllib.parse.parse_qs(str(environ.get("QUERY_STRING") or ""))
            request = Request(
                environ, method, match.groupdict(), {k: v[0] for k, v in query.items()}
            )
            handler: Callable[[Request], Response] = getattr(self, methods[method])
            return handler(request)
        raise _HttpError(404, "not_found")

    # --- JSON API ----------------------------------------------------------------------------

    def health(self, request: Request) -> Response:
        return _json(200, {"status": "ok"})

    def post_message(self, request: Request) -> Response:
        request.body()  # 413 before anything else
        if self.faults.take("reject_http_next"):
            errors = ["$: file-level format rejection (injected by the sandbox)"]
            return _json(400, {"error": "format_error", "errors": errors})
        message = request.json()
        errors = validate_message(message)
        if errors:
            return _json(400, {"error": "format_error", "errors": errors})
        try:
            received = self.store.receive(message, delay=self.delay, now=self.clock())
        except IdempotencyConflict:
            raise _HttpError(
                409,
                "idempotency_conflict",
                message="this message_id was received before with another body",
            ) from None
        self.on_received()
        if self.faults.take("drop_response_next"):
            return Response(502, drop=True)
        if self.faults.take("timeout_next"):
            self.stopping.wait(self.faults.current().timeout_seconds)
        return _json(
            200 if received.duplicate else 202,
            {
                "message_id": received.message_id,
                "receipt": received.receipt,
                "status": received.status,
                "duplicate": received.duplicate,
            },
        )

    def get_message(self, request: Request) -> Response:
        status = self.store.message_status(request.params["message_id"])
        if status is None:
            raise _HttpError(404, "unknown_message")
        return _json(200, status)

    def get_feedback(self, request: Request) -> Response:
        after = _int_param(request.query, "after", 0, 0, 2**63 - 1)
        limit = _int_param(request.query, "limit", 100, 1, 1000)
        events = self.store.feedback(
            furnisher=request.query.get("furnisher"), after=after, limit=limit
        )
        return _json(200, {"feedback": events, "next": events[-1]["seq"] if events else after})

    def get_report(self, request: Request) -> Response:
        return _json(200, self._report(request.params["uscc"]))

    def _report(self, uscc: str) -> dict[str, Any]:
        try:
            return self.store.report(uscc)
        except UnknownEnterprise:
            raise _HttpError(404, "unknown_enterprise") from None

    def post_statement(self, request: Request) -> Response:
        data = request.json()
        text = data.get("text") if isinstance(data, dict) and set(data) == {"text"} else None
        if not (isinstance(text, str) and 1 <= len(text) <= 500):
            errors = ['$: expected {"text": "<1-500 characters>"} and nothing else']
            return _json(400, {"error": "format_error", "errors": errors})
        try:
            return _json(201, self.store.add_statement(request.params["uscc"], text))
        except UnknownEnterprise:
            raise _HttpError(404, "unknown_enterprise") from None

    def get_record(self, request: Request) -> Response:
        record = self.store.record(request.params["kind"], request.params["business_id"])
        if record is None:
            raise _HttpError(404, "unknown_record")
        return _json(200, record)

    def get_faults(self, request: Request) -> Response:
        self._check_admin(request)
        return _json(200, self.faults.current().to_dict())

    def put_faults(self, request: Request) -> Response:
        self._check_admin(request)
        try:
            faults = Faults.from_dict(request.json())
        except FaultsError as exc:
            raise _HttpError(400, "bad_faults", errors=exc.problems) from None
        self.faults.replace(faults)
        self.on_received()
        return _json(200, faults.to_dict())

    def _check_admin(self, request: Request) -> None:
        if self.admin_token is None:
            return
        given = str(request.environ.get("HTTP_X_SANDBOX_ADMIN") or "")
        if not hmac.compare_digest(given.encode(), self.admin_token.encode()):
            raise _HttpError(403, "forbidden", message="X-Sandbox-Admin header missing or wrong")

    # --- pages -------------------------------------------------------------------------------

    def index_page(self, request: Request) -> Response:
        rows = "".join(
            f'<tr><td><a href="/reports/{urllib.parse.quote(e["uscc"])}">{_e(e["name"])}</a></td>'
            f"<td>{_e(e['uscc'])}</td><td>{e['records']}</td></tr>"
            for e in self.store.enterprises()
        )
        table = (
            "<table><thead><tr><th>企业名称</th><th>统一社会信用代码</th><th>记录数</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
            if rows
            else "<p>征信系统中尚无企业。</p>"
        )
        return _page("沙箱征信系统", f"<h1>沙箱征信系统：企业列表</h1>{_NOTICE}{table}")

    def report_page(self, request: Request) -> Response:
        report = self._report(request.params["uscc"])
        enterprise = report["enterprise"]
        marked = sum(1 for record in report["records"] if record["dispute_marks"])
        records = "".join(map(_record_html, report["records"])) or "<p>无记录。</p>"
        statements = "".join(
            f"<li>{_e(s['text'])}<span class=meta>（添加时间：{_time(s['added_at'])}）</span></li>"
            for s in report["statements"]
        )
        body = (
            f"<h1>企业信用报告（沙箱）</h1>{_NOTICE}<table class=identity>"
            f"<tr><th>企业名称</th><td>{_e(enterprise['name'])}</td></tr>"
            f"<tr><th>统一社会信用代码</th><td>{_e(enterprise['uscc'])}</td></tr>"
            f"<tr><th>报告时间</th><td>{_time(report['generated_at'])}</td></tr>"
            f"<tr><th>异议提示</th><td>{marked} 笔记录带有异议标注</td></tr></table>"
            f"<h2>记录明细</h2>{records}"
            f"<h2>声明</h2>{f'<ul>{statements}</ul>' if statements else '<p>无声明。</p>'}"
            '<p><a href="/">返回企业列表</a></p>'
        )
        return _page(f"企业信用报告（沙箱）：{enterprise['name']}", body)


def _int_param(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    value = query.get(name)
    if value is None:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise _HttpError(
            400, "bad_request", message=f"{name} must be a number from {low} to {high}"
        )
    return int(value)


_NOTICE = "<p class=notice>本页由沙箱征信系统生成，仅用于开发、测试和演示，不是真实的信用报告。</p>"
_STYLE = (
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;margin:.5rem 0}"
    "th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}.notice{color:#8a5a00}"
    ".mark{border-left:4px solid #c00;padding:.25rem .75rem;background:#fff4f4}"
    ".meta{color:#666}section{margin-bottom:1.5rem}"
)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _time(iso: str | None) -> str:
    if not iso:
        return "—"
    return datetime.fromisoformat(iso).astimezone(_BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | dict):
        return _e(json.dumps(value, ensure_ascii=False))
    return _e(value)


def _record_html(record: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{_e(name)}</th><td>{_value(value)}</td></tr>"
        for name, value in record["fields"].items()
    )
    marks = "".join(
        f"<li>{_e(mark['text'])}<span class=meta>（案件编号：{_e(mark['case_reference'] or '—')}，"
        f"标注时间：{_time(mark['added_at'])}）</span></li>"
        for mark in record["dispute_marks"]
    )
    mark_html = f"<div class=mark><strong>异议标注</strong><ul>{marks}</ul></div>" if marks else ""
    kind = KIND_LABELS.get(record["record_kind"], record["record_kind"])
    return (
        f"<section><h3>{_e(kind)}　业务标识码 {_e(record['business_id'])}</h3>"
        f"<p class=meta>数据提供机构：{_e(record['furnisher'])}　"
        f"更新时间：{_time(record['updated_at'])}</p>{mark_html}"
        f"<table><thead><tr><th>字段</th><th>值</th></tr></thead><tbody>{rows}</tbody></table>"
        "</section>"
    )


def _page(title: str, body: str) -> Response:
    document = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )
    headers = [("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")]
    return Response(200, document.encode("utf-8"), _HTML, headers)
