from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from . import verification
        from .models import Certificate

        # A revoke or a renewal saves the certificate: the public check must not see the old row.
        changing = verification.certificate_changing
        pre_save.connect(changing, sender=Certificate, dispatch_uid="verification-pre")
        post_save.connect(changing, sender=Certificate, dispatch_uid="verification-post")
