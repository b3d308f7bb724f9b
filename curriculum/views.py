"""Public search over the published curriculum."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.models import Page

MAX_RESULTS = 50


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = list(Page.objects.live().public().search(query)[:MAX_RESULTS]) if query else []
    return render(request, "curriculum/search_results.html", {"query": query, "results": results})
