"""The baseline the public verification page is compared with: a bare Django view rendering a
static template, through the same middleware."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bare(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/bare.html")
