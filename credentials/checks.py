"""System check: the configured signing keys are readable, so a bad key stops the deploy."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from .keys import issuer_keys


@register()
def signing_keys_check(app_configs, **kwargs) -> list[Error]:
    try:
        issuer_keys()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="credentials.E001")]
    return []
