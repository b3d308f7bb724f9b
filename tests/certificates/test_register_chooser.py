"""The certify page's chooser of organisations, for a manager of more link workers than it judges at
once: every organisation they may certify in, by name, the chosen one selected, names escaped."""

import pytest
from django.utils.html import escape

from certificates import selectors
from certificates.forms import organisation_options
from tests.factories import MembershipFactory, OrganisationFactory
from workforce.models import Role

pytestmark = pytest.mark.django_db


def test_the_options_escape_names_and_select_the_chosen_one():
    html = organisation_options([(3, "Alder & Birch <PCN>"), (7, "Cedar")], 7)

    assert html == (
        '<option value="3">Alder &amp; Birch &lt;PCN&gt;</option>'
        '<option value="7" selected>Cedar</option>'
    )
    assert organisation_options([], None) == ""


def test_a_manager_of_many_chooses_among_their_own_organisations(
    client, manager, organisation, link_worker, other_organisation, monkeypatch
):
    monkeypatch.setattr(selectors, "CANDIDATES_JUDGED_MAX", 0)
    second = OrganisationFactory(name="Hazel & Holly Practice")
    MembershipFactory(user=manager, organisation=second, role=Role.MANAGER)
    client.force_login(manager)

    page = client.get("/team/certify/").content.decode()
    chosen = client.get("/team/certify/", {"organisation": second.pk}).content.decode()

    assert f'<option value="{organisation.pk}">{organisation.name}</option>' in page
    assert f'<option value="{second.pk}">{escape(second.name)}</option>' in page
    assert other_organisation.name not in page  # not theirs
    assert "You may certify 1 link worker: below are those ready" in page
    assert f'<option value="{second.pk}" selected>{escape(second.name)}</option>' in chosen
    assert f'<option value="{organisation.pk}">' in chosen
