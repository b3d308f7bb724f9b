"""Edition 2 of the demo curriculum on the public site: the corrections, what patients asked for,
the teaching text for SAF-04 and OUT-05, the sources in each module's further reading, and the
module history pages naming what edition 2 changed.

Loading the curriculum is the slow part, so the pages are fetched once for this file (see
`site`) and the tests read them as text.
"""

import html
import re

import pytest
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from wagtail.signal_handlers import disable_reference_index_auto_update

from curriculum import demo as curriculum_demo
from curriculum.content_files import read_content

# The pages are read from memory, but marking the tests tells pytest-django to set up the test
# database that the `site` fixture loads the curriculum into.
pytestmark = pytest.mark.django_db

CHANGED_MODULES = ["rol", "ref", "com", "equ", "out", "saf", "pro"]
# Competencies whose own words edition 2 corrects (framework.toml's [[changes]]).
CORRECTED_COMPETENCIES = ["SPLW-REF-01", "SPLW-EQU-01", "SPLW-PRO-02"]


class Page:
    """A public page as the tests read it: its HTML, its text, and its further reading."""

    def __init__(self, markup: str):
        self.html = markup
        self.text = self._text(markup)
        reading = markup.split("<h3>Further reading</h3>", 1)
        self.further_reading = (
            self._text(reading[1].split("</ul>", 1)[0]) if len(reading) > 1 else ""
        )

    @staticmethod
    def _text(markup: str) -> str:
        inline = re.sub(r"</?(?:strong|em|a)\b[^>]*>", "", markup)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> dict[str, Page]:
    """Each changed module's page and history page, from one load of the demo curriculum.

    The load runs in a transaction rolled back once the pages are fetched, so no other test
    sees it; the caches Wagtail filled while serving them are emptied too.
    """
    pages = {}
    with django_db_blocker.unblock(), transaction.atomic():
        with disable_reference_index_auto_update():
            curriculum_demo.load()
        client = Client()
        for code in CHANGED_MODULES:
            for name, path in (
                (code, f"/curriculum/{code}/"),
                (f"{code} history", f"/curriculum/{code}/history/"),
            ):
                response = client.get(path)
                assert response.status_code == 200, path
                pages[name] = Page(response.content.decode())
        for name, path in [("index", "/curriculum/")] + [
            (code, f"/curriculum/competencies/{code}/") for code in CORRECTED_COMPETENCIES
        ]:
            response = client.get(path)
            assert response.status_code == 200, path
            pages[name] = Page(response.content.decode())
        transaction.set_rollback(True)
    for cache in caches.all(initialized_only=True):
        cache.clear()
    return pages


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.!?:])\s+", text)


# --- Corrections -----------------------------------------------------------------------------


def test_st0958_is_published_by_skills_england_for_the_department_for_education(site):
    pro = site["pro"]

    assert (
        "Skills England now publishes apprenticeship standards for the Department for Education"
        in pro.text
    )
    assert "closed in June 2025" in pro.text
    assert "ST0958) (Skills England (Department for Education)" in pro.further_reading
    assert "ST0958) (Institute for Apprenticeships" not in pro.further_reading


def test_the_information_standard_names_its_developer_version_and_review(site):
    for code in ("out", "ref"):
        reading = site[code].further_reading
        assert (
            "Social Prescribing Information Standard, version 1.1 (under review by NHS England)"
            in reading
        )
        assert (
            "(under review by NHS England) (Professional Record Standards Body, for NHS England"
            in reading
        )
        assert (
            'href="https://theprsb.org/standards/social-prescribing-standard/"' in site[code].html
        )
    out = site["out"].text
    assert "The Professional Record Standards Body (PRSB) developed it for NHS England" in out
    assert "The current version is 1.1, released in January 2023" in out
    assert "is reviewing whether it is still needed" in out
    assert "Social Prescribing Information Standard (2023)" not in out


def test_snomed_referral_code_is_recorded_once_per_episode_at_the_first_interaction(site):
    out, ref = site["out"].text, site["ref"].text

    assert (
        "871731000000106 (referral to social prescribing service): "
        "record it once per episode, at your first interaction" in out
    )
    assert (
        "871711000000103 (social prescribing declined): "
        "record it when the person decides not to take part" in out
    )
    assert "Record the outcomes too: the name of the wellbeing measure you used" in out
    assert (
        "Record it once per episode, at your first interaction with the person, "
        "and not again at later contacts" in ref
    )


def test_data_protection_names_the_lawful_bases_explicit_consent_and_local_phone_policy(site):
    out = site["out"].text

    assert "public task (UK GDPR Article 6(1)(e))" in out
    assert "the provision of health or social care (Article 9(2)(h))" in out
    assert (
        "get the person's explicit consent before you give their details to a community group"
        in out
    )
    assert "is set by your employer's local policy, not by the law" in out
    assert "never use personal phones" not in out


def test_interpreting_offers_a_professional_first_then_lets_an_adult_choose(site):
    equ = site["equ"].text

    assert "a professional interpreter should always be offered" in equ
    assert "an adult may choose another adult they trust, such as a family member or friend" in equ
    assert "Record that you offered a professional interpreter and what the person chose" in equ
    assert "Never rely on children, family or friends" not in equ
    assert "Do not use family, friends or children to interpret" not in equ


def test_no_module_says_never_about_family_or_friends_interpreting(site):
    for code in CHANGED_MODULES:
        for sentence in _sentences(site[code].text):
            lowered = sentence.lower()
            if "never" in lowered and "interpret" in lowered:
                assert "family" not in lowered, (code, sentence)
                assert "friend" not in lowered, (code, sentence)


def test_maryam_is_asked_her_language_not_offered_urdu_from_her_name(site):
    equ = site["equ"].text

    assert "he did not ask which language she prefers, so he asks her now" in equ
    assert "Jack records this and offers a professional Urdu interpreter, and she accepts" in equ
    assert "instead of guessing from her name" in equ
    assert "offers an Urdu interpreter in case that is easier" not in equ


def test_nalw_cpd_minimum_applies_per_membership_year_to_its_members(site):
    pro = site["pro"].text

    assert (
        "at least 20 CPD points in each membership year, including at least 10 hours of formal CPD"
        in pro
    )
    assert "The rule is NALW's, for its members" in pro
    assert "This certificate asks every holder for the same minimum each year" in pro


# --- What patients asked ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        (
            "rol",
            'Some people hear "social prescriber" and think the service is just about socialising',
        ),
        ("rol", "agree one job title with your practice, primary care network and local partners"),
        ("ref", "a short page on the practice website"),
        ("ref", "a text message to patients who might benefit"),
        ("ref", "a message through the NHS App"),
        ("ref", "a line at the end of the surgery's phone message"),
        (
            "ref",
            "They do not need proof of address, ID, an NHS number "
            "or a particular immigration status",
        ),
        ("ref", "She explains that he can register with the practice without proof of address"),
        (
            "equ",
            "If you work for a GP practice or primary care network, "
            "use the practice's interpreting service",
        ),
        (
            "equ",
            "If your host is a voluntary organisation, "
            "check your contract or service agreement first",
        ),
        (
            "com",
            "Patients have asked that social prescribing helps the groups it sends people to, "
            "not only the person's costs",
        ),
        ("com", "tell groups about local grants and small funds"),
        ("equ", "Patients have asked for link workers who come from the communities they serve"),
    ],
)
def test_what_patients_asked_is_on_the_module_page(site, code, phrase):
    assert phrase in site[code].text


# --- New competencies' teaching text ---------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "The Mental Capacity Act 2005 applies to people aged 16 and over",
        "Assume a person can make their own decision, unless it is shown that they cannot",
        "Consent to referral. A referral made by someone else is not the person's agreement",
        "Consent to share information. Explain what you would share, with whom and why",
        "Under section 42 of the Care Act 2014, the council must then make enquiries",
        "Making Safeguarding Personal means safeguarding is done with the person, not to them",
        "Think family The person you support lives among other people",
    ],
)
def test_saf_module_teaches_capacity_consent_section_42_and_think_family(site, phrase):
    assert phrase in site["saf"].text


@pytest.mark.parametrize(
    "phrase",
    [
        "ONS4 (the Office for National Statistics personal wellbeing questions)",
        "You need a licence from the University of Warwick. It is free for the NHS, charities "
        "and other non-commercial organisations once you register",
        "MYCaW (Measure Yourself Concerns and Wellbeing)",
        "It is licensed through Meaningful Measures",
        "PAM (the Patient Activation Measure)",
        "It is licensed by Insignia Health",
        "Well-being Star (one of the Outcomes Stars)",
        "It is licensed by Triangle, and everyone who uses it must be trained",
        "Using outcome data in caseload review",
        "whose scores have not moved, or have dropped, after several contacts",
    ],
)
def test_out_module_teaches_outcome_measures_and_caseload_review(site, phrase):
    assert phrase in site["out"].text


# --- Sources and history ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "source", "url"),
    [
        (
            "rol",
            "Sharing our thinking: exploring the views of the public on our research",
            "https://socialprescribing.phc.ox.ac.uk/",
        ),
        (
            "ref",
            "Registering with your GP: understanding your rights (Healthwatch England",
            "https://www.healthwatch.co.uk/",
        ),
        (
            "ref",
            "Notifications and messaging in the NHS App (NHS England",
            "https://digital.nhs.uk/",
        ),
        (
            "ref",
            "the national SNOMED CT codes and when to use them",
            "https://www.transformationpartnersinhealthandcare.nhs.uk/",
        ),
        (
            "com",
            "Social prescribing: frequently asked questions",
            "https://www.england.nhs.uk/personalisedcare/social-prescribing/faqs/",
        ),
        (
            "equ",
            "Interpreting and translation in primary care (NHS England",
            "https://www.england.nhs.uk/primary-care/",
        ),
        (
            "equ",
            "Guidance for commissioners: interpreting and translation services in primary care",
            None,
        ),
        (
            "out",
            "Sharing information with the voluntary sector",
            "https://transform.england.nhs.uk/",
        ),
        (
            "out",
            "How to use WEMWBS and SWEMWBS: registration and licences (University of Warwick",
            "https://warwick.ac.uk/",
        ),
        (
            "out",
            "FAQ about MYMOP and MYCaW (licences) (Meaningful Measures",
            "https://www.meaningfulmeasures.co.uk/faq",
        ),
        (
            "out",
            "The Patient Activation Measure (PAM) in the UK (Insignia Health",
            "https://www.insigniahealth.com/ukpam/",
        ),
        (
            "out",
            "Well-being Star: the Outcomes Star for adults self-managing health conditions",
            "https://www.outcomesstar.org.uk/",
        ),
        ("saf", "Mental Capacity Act 2005, section 1: the principles", None),
        (
            "saf",
            "Safeguarding law: duties of public bodies (Care Act 2014, section 42) (NCVO",
            "https://www.ncvo.org.uk/",
        ),
        ("saf", "Making Safeguarding Personal: guide", None),
        (
            "pro",
            "Continuing professional development: CPD requirements for members",
            "https://www.nalw.org.uk/cpd/",
        ),
    ],
)
def test_further_reading_lists_the_sources(site, code, source, url):
    """Each source by its title, and its publisher where given (a year may follow it)."""
    assert source in site[code].further_reading
    if url:
        assert f'href="{url}' in site[code].html


def test_history_pages_show_edition_2_and_its_change_summaries(site):
    changes = read_content().latest.module_changes
    for code in CHANGED_MODULES:
        history = site[f"{code} history"].text
        summaries = [change.summary for change in changes[code.upper()]]
        assert summaries, code
        assert "Edition 2" in history, code
        assert "Edition 1" in history, code
        for summary in summaries:
            assert " ".join(summary.split()) in history, (code, summary)


def test_every_further_reading_item_of_the_content_files_is_on_its_module_page(site):
    """The whole further reading block of each changed module, as the content file lists it."""
    latest = read_content().latest
    for code in CHANGED_MODULES:
        items = [
            item
            for block in latest.module(code.upper()).body
            if block.type == "further_reading"
            for item in block.items
        ]
        assert len(items) >= 3, code
        for item in items:
            assert item.title in site[code].further_reading, (code, item.title)
            if item.url:
                assert f'href="{html.escape(item.url)}"' in site[code].html, (code, item.url)


def test_the_competencies_say_what_the_modules_now_teach(site):
    referral = site["SPLW-REF-01"].text
    assert "Records 871731000000106 once per episode, at the first interaction" in referral
    interpreting = site["SPLW-EQU-01"].text
    assert "except in an emergency" not in interpreting
    assert (
        "where an adult chose a family member or friend instead, the offer and the choice were"
        in (interpreting)
    )
    assert "no child was asked to interpret" in interpreting
    cpd = site["SPLW-PRO-02"].text
    assert "the same as the National Association of Link Workers asks of its members per" in cpd
    assert "membership year" in cpd


def test_the_curriculum_index_tells_self_referrers_they_can_register_with_a_gp(site):
    assert (
        "If you are not registered with a GP, you can still register: you do not need proof of "
        "address, ID or immigration status."
    ) in site["index"].text
