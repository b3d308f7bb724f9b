"""Navigation links for the signed-in person's roles."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from .models import Role
from .permissions import is_curriculum_author
from .selectors import roles_of

_LINKS_BY_ROLE = (
    (Role.LINK_WORKER, "My progress", "competencies:my_progress"),
    (Role.LINK_WORKER, "Evidence", "competencies:my_evidence"),
    (Role.LINK_WORKER, "Supervision", "competencies:supervision"),
    (Role.LINK_WORKER, "CPD", "competencies:cpd"),
    (Role.LINK_WORKER, "My certificates", "certificates:my_certificates"),
    (Role.ASSESSOR, "My caseload", "competencies:caseload"),
    (Role.ASSESSOR, "Evidence to review", "competencies:review_queue"),
    (Role.ASSESSOR, "Imports and reports", "imports:reports"),
    (Role.MANAGER, "My team", "oversight:team"),
    (Role.MANAGER, "Qualification register", "certificates:register"),
    (Role.MANAGER, "Certify link workers", "certificates:certify"),
    (Role.MANAGER, "Imports and reports", "imports:reports"),
    (Role.IQA, "Quality assurance", "quality:sampling"),
)


def _links_for(request: HttpRequest) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    roles = roles_of(user)
    links = [
        {"label": label, "url": reverse(url_name)}
        for role, label, url_name in _LINKS_BY_ROLE
        if role in roles
    ]
    # A page shared by two roles (imports and reports) is listed once.
    links = list({link["url"]: link for link in links}.values())
    if is_curriculum_author(user):
        links.append({"label": "Curriculum admin", "url": reverse("wagtailadmin_home")})
    # The most specific link is the current one: /team/certificates/ is the register, not the team.
    matching = [link["url"] for link in links if request.path.startswith(link["url"])]
    current = max(matching, key=len, default=None)
    for link in links:
        link["current"] = link["url"] == current
    return links


def navigation(request: HttpRequest) -> dict:
    # Lazy, so pages that never show the navigation (the admin, JSON) pay no query for it.
    return {"role_navigation": SimpleLazyObject(lambda: _links_for(request))}
