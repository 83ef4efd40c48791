"""The enterprise portal's pages: each parses its input with a form, calls one action (through
``attempt``, which shows a refusal in plain Chinese) or reads through the selectors, and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiufu.audit.choices import AccessChannel
from xiufu.cases import actions, selectors
from xiufu.cases import presenters as case_presenters
from xiufu.cases.choices import Channel
from xiufu.core.pages import attempt, enterprise_page
from xiufu.evidence.responses import receipt_response
from xiufu.letters.selectors import unread_notifications
from xiufu.portal import presenters
from xiufu.portal.forms import DisputeForm, RatingForm, UploadForm, VersionForm, WithdrawForm


@enterprise_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = presenters.home(request.user, presenters.page_access(request))
    context["notifications"] = list(unread_notifications(request.user)[:20])
    return render(request, "portal/home.html", context)


@enterprise_page
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    options = presenters.dispute_options(user, presenters.page_access(request))
    form = DisputeForm(
        request.POST if request.method == "POST" else None,
        options=options,
        picked=request.GET.get("record", ""),
    )
    if form.is_valid():
        case = attempt(
            request,
            lambda: actions.do_create_case(
                enterprise_id=user.enterprise_id,
                claim=form.cleaned_data["claim"],
                items=form.items(),
                channel=Channel.PORTAL,
                actor=user,
            ),
            success=_("申请已保存为草稿。请按下方材料清单上传材料，核对后提交。"),
        )
        if case is not None:
            return redirect("portal:case", case_id=case.pk)
    return render(request, "portal/case_new.html", {"form": form})


@enterprise_page
@require_GET
def material_receipt(request: HttpRequest, case_id: int, material_id: int) -> HttpResponseBase:
    """The evidence receipt of one of the enterprise's materials, as a download: with the file
    it proves what was received and when (``xiufu verify RECEIPT FILE``, or the /verify/ page)."""
    found = attempt(request, lambda: selectors.material_receipt(request.user, material_id))
    if found is None:
        return redirect("portal:case", case_id=case_id)
    material, receipt = found
    if material.case_id != case_id:
        raise Http404
    return receipt_response(receipt, material.sha256)


@enterprise_page
@require_GET
def case(request: HttpRequest, case_id: int) -> HttpResponse:
    return _case_page(request, case_id)


def _case_page(request: HttpRequest, case_id: int, *, uploaded_for: str = "") -> HttpResponse:
    user: Any = request.user
    found = selectors.get_case(user, case_id)
    case_presenters.log_case_read(user, found, channel=AccessChannel.PAGE)
    context = presenters.case_page(found, user, uploaded_for=uploaded_for)
    partial = bool(getattr(request, "htmx", False))
    template = "portal/_case_body.html" if partial else "portal/case.html"
    return render(request, template, {**context, "partial": partial})


def _refused(request: HttpRequest, form: Form) -> None:
    """Tell the user why the form was refused (the action was not run)."""
    if "version" in form.errors:
        messages.error(request, _("页面已过期，请刷新后重试。"))
        return
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@enterprise_page
@require_POST
def case_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    """One file for one checklist requirement; with htmx the case body comes back in place."""
    user: Any = request.user
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        attempt(
            request,
            lambda: actions.do_upload_material(
                case_id,
                requirement=form.cleaned_data["requirement"],
                upload=upload,
                expected_version=None,
                actor=user,
            ),
            success=_("已上传“%(name)s”。") % {"name": upload.name},
        )
    else:
        _refused(request, form)
    if getattr(request, "htmx", False):
        return _case_page(request, case_id, uploaded_for=request.POST.get("requirement", ""))
    return redirect("portal:case", case_id=case_id)


def _versioned(request: HttpRequest, case_id: int, form: Form, run: Any, success: str) -> Any:
    if form.is_valid():
        attempt(request, lambda: run(form.cleaned_data), success=success)
    else:
        _refused(request, form)
    return redirect("portal:case", case_id=case_id)


@enterprise_page
@require_POST
def case_submit(request: HttpRequest, case_id: int) -> HttpResponse:
    return _versioned(
        request,
        case_id,
        VersionForm(request.POST),
        lambda data: actions.do_submit_case(
            case_id, expected_version=data["version"], actor=request.user
        ),
        _("申请已提交，受理员将进行形式审核。"),
    )


@enterprise_page
@require_POST
def case_supplement(request: HttpRequest, case_id: int) -> HttpResponse:
    return _versioned(
        request,
        case_id,
        VersionForm(request.POST),
        lambda data: actions.do_submit_supplement(
            case_id, expected_version=data["version"], actor=request.user
        ),
        _("补正材料已提交，受理员将重新审核。"),
    )


@enterprise_page
@require_POST
def case_withdraw(request: HttpRequest, case_id: int) -> HttpResponse:
    return _versioned(
        request,
        case_id,
        WithdrawForm(request.POST),
        lambda data: actions.do_withdraw_case(
            case_id, reason=data["reason"], expected_version=data["version"], actor=request.user
        ),
        _("申请已撤回。"),
    )


@enterprise_page
@require_POST
def case_rate(request: HttpRequest, case_id: int) -> HttpResponse:
    form = RatingForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: actions.do_rate_case(
                case_id,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            ),
            success=_("感谢您的评价。"),
        )
    else:
        _refused(request, form)
    return redirect("portal:case", case_id=case_id)


@require_GET
def help_centre(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help.html", presenters.help_centre())
