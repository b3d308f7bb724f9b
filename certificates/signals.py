"""What the certificates app tells the apps built on it, without importing them."""

from django.dispatch import Signal

# Sent by the issuing service inside its transaction, once the certificate is saved, with
# `certificate`. A receiver that raises rolls the issue back: `credentials` signs the certificate's
# Open Badges credential here, so that no certificate stands unsigned.
certificate_issued = Signal()
