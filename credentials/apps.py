from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "credentials"
    verbose_name = "Verifiable credentials"

    def ready(self) -> None:
        from certificates.models import Certificate
        from certificates.signals import certificate_issued

        from . import (
            checks,  # noqa: F401  (registers the signing-key check)
            services,
        )

        def sign_on_issue(sender, *, certificate: Certificate, **kwargs) -> None:
            """Sign every certificate as it is issued, in the issue's own transaction."""
            services.credential_sign(certificate=certificate)

        # Held strongly: the function is local to this method.
        certificate_issued.connect(sign_on_issue, sender=Certificate, weak=False)
