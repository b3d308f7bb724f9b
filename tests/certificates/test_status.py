"""What each certificate status means, asked of the enum rather than spelt out in templates."""

import pytest
from django.template.loader import render_to_string

from certificates.models import BulkIssue, BulkIssueStatus, CertificateStatus

S = CertificateStatus


@pytest.mark.parametrize(
    ("status", "valid", "stands", "can_renew", "colour"),
    [
        (S.VALID, True, True, False, "green"),
        (S.RENEWAL_DUE, True, True, True, "yellow"),
        (S.EXPIRED, False, True, True, "grey"),
        (S.REVOKED, False, False, False, "red"),
        (S.SUPERSEDED, False, False, False, "white"),
    ],
)
def test_each_status_says_whether_it_is_valid_stands_renews_and_its_colour(
    status, valid, stands, can_renew, colour
):
    assert (status.is_valid, status.stands, status.can_renew, status.tag_colour) == (
        valid,
        stands,
        can_renew,
        colour,
    )


def test_each_status_answers_yes_to_its_own_question_only():
    questions = {
        S.RENEWAL_DUE: "is_renewal_due",
        S.EXPIRED: "is_expired",
        S.REVOKED: "is_revoked",
        S.SUPERSEDED: "is_superseded",
    }
    for status in S:
        answers = {question: getattr(status, question) for question in questions.values()}
        assert answers == {
            question: questions.get(status) == question for question in questions.values()
        }


@pytest.mark.parametrize("status", list(S))
def test_the_tag_shows_the_label_in_the_status_colour(status):
    html = render_to_string("certificates/_status_tag.html", {"status": status}).strip()

    assert html == (
        f'<strong class="nhsuk-tag nhsuk-tag--{status.tag_colour}">{status.label}</strong>'
    )


def test_without_a_status_the_tag_shows_its_label_in_white():
    html = render_to_string("certificates/_status_tag.html", {"label": "Not certified"}).strip()

    assert html == '<strong class="nhsuk-tag nhsuk-tag--white">Not certified</strong>'


@pytest.mark.parametrize("status", list(BulkIssueStatus))
def test_a_bulk_issue_gives_its_status_as_the_enum(status):
    bulk = BulkIssue(status=status.value, worker_ids=[1, 2])

    assert bulk.current_status is status
    assert bulk.current_status.is_failure == (status == BulkIssueStatus.FAILED)
