"""The holder's certificate page asks these of the sharing selectors."""

from django import template

from certificates.models import Certificate

from .. import selectors

register = template.Library()


@register.simple_tag
def linkedin_add_url(certificate: Certificate) -> str:
    """LinkedIn's "Add to profile" address for the certificate (`selectors.linkedin_add_url`)."""
    return selectors.linkedin_add_url(certificate)
