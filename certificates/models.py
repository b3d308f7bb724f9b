"""Qualifications and certificates (built by the certificates issue)."""
