from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiufu.core.pages import enterprise_page


@enterprise_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@enterprise_page
def case_new(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def help_centre(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")
