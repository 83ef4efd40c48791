"""Letter downloads (the enterprise and the case's staff), their evidence receipts, and the
compliance admin's template pages (versions, upload, preview with a real case, activation)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiufu.accounts.permissions import Perm, has_perm
from xiufu.core.errors import NotFound
from xiufu.core.pages import attempt, redirect_back, staff_page
from xiufu.evidence.responses import receipt_response
from xiufu.letters import actions, selectors, templates
from xiufu.letters.forms import PreviewForm, UploadTemplateForm


def compliance_page(view: Any) -> Any:
    """A staff page for those who manage letter templates (compliance admins)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not has_perm(request.user, Perm.MANAGE_LETTER_TEMPLATES):
            why = _("文书模板仅由合规管理员维护。")
            return render(request, "forbidden.html", {"why": why}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _found(call: Any) -> Any:
    try:
        return call()
    except NotFound as exc:
        raise Http404(exc.message) from None


@require_GET
@login_required
def letter_file(request: HttpRequest, letter_id: int, fmt: str) -> HttpResponseBase:
    """A letter as PDF or Word, for the enterprise it was issued to and the case's staff."""
    _letter, stream, media, name = _found(
        lambda: selectors.letter_file(request.user, letter_id, fmt)
    )
    response = FileResponse(stream, content_type=media, as_attachment=fmt != "pdf", filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@login_required
def letter_receipt(request: HttpRequest, letter_id: int, fmt: str) -> HttpResponseBase:
    """The evidence receipt of a letter's PDF or Word file."""
    found = attempt(
        request, lambda: _found(lambda: selectors.letter_receipt(request.user, letter_id, fmt))
    )
    if found is None:  # not yet covered by a checkpoint: back to where the person was
        return redirect_back(request, "home")
    _letter, receipt, sha256 = found
    return receipt_response(receipt, sha256)


@require_GET
@staff_page
@compliance_page
def template_list(request: HttpRequest) -> HttpResponse:
    context = templates.overview(request.user)
    context["form"] = UploadTemplateForm()
    return render(request, "letters/templates.html", context)


@require_POST
@staff_page
@compliance_page
def template_upload(request: HttpRequest) -> HttpResponse:
    form = UploadTemplateForm(request.POST, request.FILES)
    if form.is_valid():
        done = attempt(
            request,
            lambda: actions.do_upload_letter_template(
                kind=form.cleaned_data["kind"],
                data=form.cleaned_data["file"].read(),
                note=form.cleaned_data["note"],
                actor=request.user,
            ),
            success=_("模板已上传。请先用真实案件预览，核对无误后再启用。"),
        )
        if done is not None:
            return redirect("letters:templates")
    context = templates.overview(request.user)
    context["form"] = form
    return render(request, "letters/templates.html", context, status=422)


@require_POST
@staff_page
@compliance_page
def template_activate(request: HttpRequest, template_id: int) -> HttpResponse:
    attempt(
        request,
        lambda: actions.do_activate_letter_template(template_id, actor=request.user),
        success=_("模板已启用：此后出具的该类文书使用此版本。"),
    )
    return redirect("letters:templates")


@require_http_methods(["GET"])
@staff_page
@compliance_page
def template_preview(request: HttpRequest, template_id: int) -> HttpResponseBase:
    """The template filled with a real case's data, as a PDF marked as a specimen: nothing is
    numbered, stored or fixed in the log."""
    form = PreviewForm(request.GET)
    if not form.is_valid():
        context = templates.overview(request.user)
        context["form"] = UploadTemplateForm()
        context["preview_errors"] = form.errors
        return render(request, "letters/templates.html", context, status=422)
    pdf = attempt(
        request,
        lambda: templates.preview(request.user, template_id, form.cleaned_data["case_number"]),
    )
    if pdf is None:
        return redirect("letters:templates")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
