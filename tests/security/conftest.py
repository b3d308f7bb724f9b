"""The certificate tests' fixtures (a qualification, a link worker eligible for it) for the
security tests that need a certificate."""

from tests.certificates.conftest import (  # noqa: F401 - fixtures, found by name
    assess,
    core_codes,
    eligible_worker,
    methods,
    qualification,
    second_assessor,
)
