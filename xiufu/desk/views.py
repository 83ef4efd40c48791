"""The staff desk's pages. Each parses its input with a form, calls one selector or action, and
renders; what a case page offers is exactly what ``events_for_actor`` allows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from xiufu.audit.choices import AccessChannel
from xiufu.cases import actions, presenters, selectors
from xiufu.core.middleware import CONTENT_SECURITY_POLICY
from xiufu.core.pages import attempt, redirect_back, staff_page
from xiufu.desk import selectors as desk
from xiufu.desk.casepage import Bound, case_page
from xiufu.desk.forms import ReplyForm, SearchForm
from xiufu.desk.operations import OPERATIONS
from xiufu.evidence.responses import receipt_response
from xiufu.letters.issuing import preview_pdf

SEARCH_PAGE_SIZE = 50
# A material is shown inside the case page (a PDF in a frame): our own pages may frame it.
MATERIAL_CSP = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'")


@require_GET
@staff_page
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/queue.html", {"queues": desk.role_queues(request.user)})


@require_GET
@staff_page
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/dashboard.html", {"dashboard": desk.dashboard(request.user)})


@require_GET
@staff_page
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "page": None}
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        cases = selectors.search_cases(
            request.user, query=form.cleaned_data["q"], status=form.cleaned_data["status"]
        )
        page = Paginator(cases, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {"page": page, "rows": [desk.case_row(c) for c in page]}
    partial = bool(getattr(request, "htmx", False))
    template = "desk/_search_results.html" if partial else "desk/search.html"
    return render(request, template, context)


@require_GET
@staff_page
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    return render(request, "desk/case.html", case_page(request.user, case_id))


@require_POST
@staff_page
def case_action(request: HttpRequest, case_id: int, operation: str) -> HttpResponse:
    """One button or form of the case page: its form parses, its one action runs."""
    op = OPERATIONS.get(operation)
    if op is None:
        raise Http404
    form = op.form(request.POST, request.FILES)
    if form.is_valid():
        done = attempt(
            request, lambda: op.run(case_id, form, request.user), success=str(op.success)
        )
        if done is not None:
            return redirect(reverse("desk:case", args=[case_id]) + op.anchor)
    else:
        messages.error(request, _("请更正表单中标出的问题。"))
    # Nothing was written: the page again, current, with what the person typed.
    bound = Bound(operation, request.POST, request.FILES)
    return render(request, "desk/case.html", case_page(request.user, case_id, bound=bound))


@require_GET
@staff_page
@xframe_options_sameorigin
def material(request: HttpRequest, material_id: int) -> HttpResponseBase:
    """The file of a material, inline with its stored media type (the read is logged)."""
    item = desk.material_for(request.user, material_id)
    try:
        stream = item.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(
        stream, content_type=item.media_type, as_attachment=False, filename=item.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MATERIAL_CSP
    return response


@require_GET
@staff_page
def material_receipt(request: HttpRequest, material_id: int) -> HttpResponseBase:
    """The evidence receipt of a material, as a download (see docs/evidence.md)."""
    found = attempt(request, lambda: selectors.material_receipt(request.user, material_id))
    if found is None:  # not yet covered by a checkpoint: back to where the person was
        return redirect_back(request, reverse("desk:queue"))
    material, receipt = found
    return receipt_response(receipt, material.sha256)


@require_GET
@staff_page
def reply_preview(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """The written reply's letters as they would go out now, and the button that issues exactly
    these (the form carries the preview's digest: a change since makes the action refuse)."""
    preview = attempt(request, lambda: actions.preview_reply(case_id, actor=request.user))
    if preview is None:
        return redirect(reverse("desk:case", args=[case_id]))
    case = selectors.get_case(request.user, case_id)
    presenters.log_case_read(request.user, case, channel=AccessChannel.PAGE)
    form = ReplyForm(initial={"version": preview.version, "preview_digest": preview.digest})
    rules = preview.explanations
    return render(
        request,
        "desk/reply_preview.html",
        {"case": case, "preview": preview, "form": form, "rules": rules},
    )


@require_GET
@staff_page
@xframe_options_sameorigin
def reply_preview_pdf(request: HttpRequest, case_id: int, kind: str) -> HttpResponseBase:
    """One letter of the reply as a PDF marked "预览": not numbered, stored or logged."""
    preview = attempt(request, lambda: actions.preview_reply(case_id, actor=request.user))
    if preview is None:
        return redirect(reverse("desk:case", args=[case_id]))
    draft = preview.draft(kind)
    if draft is None:
        raise Http404
    pdf = attempt(request, lambda: preview_pdf(draft))
    if pdf is None:
        return redirect(reverse("desk:reply_preview", args=[case_id]))
    case = selectors.get_case(request.user, case_id)
    presenters.log_case_read(request.user, case, channel=AccessChannel.PAGE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-{kind}-preview.pdf"'
    response["Content-Security-Policy"] = MATERIAL_CSP
    return response
