from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xiufu.core.pages import staff_page


@staff_page
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/queue.html")


@staff_page
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/queue.html")


@staff_page
def search(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/queue.html")
