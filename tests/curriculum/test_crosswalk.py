"""The crosswalk to the national frameworks, level-4 descriptors and senior routes: kept through
the framework services, and shown on the public site."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curriculum import services
from curriculum.models import Competency, NationalFramework, NationalReference
from curriculum.rules import ScaleLevelData

pytestmark = pytest.mark.django_db

SCALE = [
    ScaleLevelData(1, "Aware", description="Knows about it."),
    ScaleLevelData(2, "Developing", description="Does it with supervision."),
    ScaleLevelData(3, "Proficient", is_proficient=True, description="Does it independently."),
    ScaleLevelData(4, "Advanced", is_proficient=True, description="Teaches or leads it."),
]
REFERENCES = [
    {"framework": "ST0958", "code": "Duty 3", "title": "Work with individuals on their goals"},
    {"framework": "PCI", "code": "Social prescribing", "title": "Personalised care approaches"},
]


def _methods():
    for code, name in (("DOP", "Direct observation of practice"), ("KT", "Knowledge test")):
        services.assessment_method_ensure(code=code, name=name)


def _framework(**overrides):
    _methods()
    competencies = [
        {"id_number": "D", "short_name": "Domain"},
        {
            "id_number": "D-01",
            "parent_id_number": "D",
            "short_name": "Holds a what-matters conversation",
            "accepted_methods": ["DOP"],
            "advanced_descriptor": "Coaches colleagues in what-matters conversations.",
            "senior_route": "Practice educator",
            "national_references": ["ST0958:Duty 3", "PCI:Social prescribing"],
        },
    ]
    return services.framework_create(
        id_number="X",
        short_name="X",
        scale=SCALE,
        competencies=overrides.pop("competencies", competencies),
        national_references=overrides.pop("national_references", REFERENCES),
        **overrides,
    )


def test_framework_create_keeps_descriptor_route_and_references():
    framework = _framework()

    competency = framework.competencies.get(id_number="D-01")
    assert competency.advanced_descriptor == "Coaches colleagues in what-matters conversations."
    assert competency.senior_route == "Practice educator"
    assert sorted(r.key for r in competency.national_references.all()) == [
        "PCI:Social prescribing",
        "ST0958:Duty 3",
    ]
    reference = NationalReference.objects.get(framework=NationalFramework.ST0958)
    assert reference.live
    assert reference.title == "Work with individuals on their goals"


def test_an_unknown_reference_is_refused_and_nothing_is_saved():
    competencies = [
        {"id_number": "D", "short_name": "Domain", "national_references": ["ST0958:K99"]}
    ]
    with pytest.raises(ValidationError) as error:
        _framework(competencies=competencies, national_references=[])

    assert error.value.messages == ["D: unknown national reference ST0958:K99."]
    assert not Competency.objects.exists()


def test_a_reference_to_an_unknown_framework_is_refused():
    with pytest.raises(ValidationError) as error:
        services.national_reference_ensure(framework="NOS", code="1", title="Something")

    assert "unknown framework 'NOS'" in error.value.messages[0]


def test_a_trainers_new_reference_waits_for_review(trainer):
    reference = services.national_reference_ensure(
        framework="PCI", code="Module 1", title="Personalised care", actor=trainer
    )

    assert not reference.live


def test_framework_revise_adds_a_competency_and_changes_core_as_the_next_version():
    framework = _framework()

    revised = services.framework_revise(
        framework=framework,
        competencies=[
            {"id_number": "D-01", "is_core": True},
            {
                "id_number": "D-02",
                "parent_id_number": "D",
                "short_name": "Consent to referral",
                "required_methods": ["DOP", "KT"],
                "national_references": ["ST0958:Duty 3"],
            },
        ],
    )

    assert [v.number for v in revised.versions.order_by("number")] == [1, 2]
    first = revised.competencies.get(id_number="D-01")
    assert first.is_core
    # What the revision did not mention is kept.
    assert [m.code for m in first.accepted_methods.all()] == ["DOP"]
    assert first.national_references.count() == 2
    added = revised.competencies.get(id_number="D-02")
    assert sorted(m.code for m in added.required_methods.all()) == ["DOP", "KT"]
    snapshot = revised.versions.get(number=2).revision.content["competencies"]
    assert added.pk in [item["pk"] for item in snapshot]


def test_a_new_competency_lists_with_its_domain_not_at_the_end():
    framework = _framework()
    services.framework_revise(
        framework=framework,
        competencies=[
            {"id_number": "E", "short_name": "Another domain"},
            {"id_number": "E-01", "parent_id_number": "E", "short_name": "Other"},
        ],
    )

    revised = services.framework_revise(
        framework=framework,
        competencies=[{"id_number": "D-02", "parent_id_number": "D", "short_name": "New"}],
    )

    order = revised.competencies.order_by("sort_order").values_list("id_number", flat=True)
    assert list(order) == ["D", "D-01", "D-02", "E", "E-01"]


def test_a_trainers_revision_is_a_draft_for_review(trainer):
    framework = _framework()

    services.framework_revise(
        framework=framework, competencies=[{"id_number": "D-01", "is_core": True}], actor=trainer
    )

    framework.refresh_from_db()
    assert framework.has_unpublished_changes
    assert framework.versions.count() == 1
    assert not framework.competencies.get(id_number="D-01").is_core


def test_framework_revise_checks_the_whole_tree():
    framework = _framework()

    with pytest.raises(ValidationError) as error:
        services.framework_revise(
            framework=framework,
            competencies=[{"id_number": "D-02", "parent_id_number": "NOPE", "short_name": "x"}],
        )

    assert any("NOPE" in message for message in error.value.messages)


# The public pages


@pytest.fixture
def curriculum(db):
    from wagtail.models import Site

    from curriculum.models import CurriculumPage

    framework = _framework()
    home = Site.objects.get(is_default_site=True).root_page.specific
    page = CurriculumPage(title="Core", slug="core", version_label="1", framework=framework)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _add_competencies(framework, count: int) -> None:
    services.framework_revise(
        framework=framework,
        competencies=[
            {
                "id_number": f"D-{n:02}",
                "parent_id_number": "D",
                "short_name": f"Competency {n}",
                "accepted_methods": ["DOP"],
                "national_references": ["ST0958:Duty 3"],
            }
            for n in range(3, 3 + count)
        ],
    )


def test_the_competency_page_shows_the_level_4_descriptor_route_and_references(client, curriculum):
    url = f"{curriculum.url}competencies/D-01/"

    page = client.get(url).content.decode()

    assert "Coaches colleagues in what-matters conversations." in page
    assert "senior link worker route of <strong data-senior-route>practice educator" in page
    assert "<strong>Duty 3</strong> Work with individuals on their goals" in page
    assert "<strong>Social prescribing</strong> Personalised care approaches" in page
    # NHS England's framework has no reference for it: said so, not left blank.
    assert "Not covered" in page
    assert f'href="{curriculum.url}crosswalk/"' in page


def test_the_competency_page_costs_the_same_whatever_its_number_of_references(
    client, curriculum, django_assert_num_queries
):
    url = f"{curriculum.url}competencies/D-01/"
    client.get(url)  # warm the site and page caches
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    services.national_reference_ensure(framework="PCI", code="Health literacy", title="Level 2")
    services.framework_revise(
        framework=curriculum.framework,
        competencies=[
            {
                "id_number": "D-01",
                "national_references": [
                    "ST0958:Duty 3",
                    "PCI:Social prescribing",
                    "PCI:Health literacy",
                ],
            }
        ],
    )

    with django_assert_num_queries(len(before)):
        page = client.get(url).content.decode()

    assert "<strong>Health literacy</strong>" in page


def test_a_reference_waiting_for_review_is_not_shown(client, curriculum, trainer):
    services.national_reference_ensure(
        framework="ST0958", code="Duty 3", title="A trainer's new title", actor=trainer
    )

    page = client.get(f"{curriculum.url}competencies/D-01/").content.decode()

    # The trainer's draft title waits for a reviewer; the published one stays.
    assert "A trainer's new title" not in page
    assert "Work with individuals on their goals" in page


def test_the_crosswalk_table_lists_each_competency_with_its_references(client, curriculum):
    page = client.get(f"{curriculum.url}crosswalk/").content.decode()

    assert "<caption" in page
    assert page.count('scope="col"') == 5  # competency, senior route, three frameworks
    assert page.count('scope="row"') == 1  # D-01; the domain D is not a competency
    for label in (
        "NHS England social prescribing link worker workforce development framework (B1569)",
        "Personalised Care Institute curriculum",
        "Community health and wellbeing worker apprenticeship standard (ST0958)",
    ):
        assert label in page
    assert f'href="{curriculum.url}competencies/D-01/"' in page
    assert "not a regulated qualification" in page
    assert f'href="{curriculum.url}crosswalk/csv/"' in page


def test_the_crosswalk_page_costs_the_same_whatever_the_size_of_the_framework(
    client, curriculum, django_assert_num_queries
):
    url = f"{curriculum.url}crosswalk/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _add_competencies(curriculum.framework, 5)

    with django_assert_num_queries(len(before)):
        page = client.get(url).content.decode()

    assert page.count('scope="row"') == 6


def test_the_crosswalk_csv_is_the_same_table(client, curriculum):
    response = client.get(f"{curriculum.url}crosswalk/csv/")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="core-crosswalk.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Code", "Competency", "Core", "Senior route"]
    assert rows[0][4:] == [label for _value, label in NationalFramework.choices]
    assert rows[1] == [
        "D-01",
        "Holds a what-matters conversation",
        "No",
        "Practice educator",
        "",
        "Social prescribing – Personalised care approaches",
        "Duty 3 – Work with individuals on their goals",
    ]
    assert len(rows) == 2


def test_the_curriculum_index_says_what_the_certificate_is_and_links_the_crosswalk(
    client, curriculum
):
    page = client.get(curriculum.url).content.decode()

    assert "not a regulated qualification" in page
    assert "ST0958" in page
    assert "Personalised Care Institute" in page
    assert f'href="{curriculum.url}crosswalk/"' in page


# Recognition of prior learning, under the evidence rules


@pytest.fixture
def record_rpl(framework, assessor, link_worker):
    import datetime

    from django.utils import timezone

    from competencies import services as competency_services
    from curriculum.models import AssessmentMethod

    rpl = AssessmentMethod.objects.get(code="RPL")

    def _record(code: str, level: int):
        return competency_services.assessment_record(
            worker=link_worker,
            competency=framework.competencies.get(id_number=code),
            level=level,
            method=rpl,
            assessed_on=timezone.localdate() - datetime.timedelta(days=1),
            assessor=assessor,
        )

    return _record


def _achieved(worker, framework, code: str) -> int:
    from competencies.evidence_rules import achievements

    competency = framework.competencies.get(id_number=code)
    found = achievements([worker.pk], framework).get((worker.pk, competency.pk))
    return found.achieved_level if found else 0


def test_the_rpl_method_says_what_evidence_it_needs(framework):
    from curriculum.models import AssessmentMethod

    rpl = AssessmentMethod.objects.get(code="RPL")

    assert rpl.name == "Recognition of prior learning"
    for needed in ("certificate", "awarding body or its register", "mapping", "3 years"):
        assert needed in rpl.description
    assert framework.method_caps.get(method=rpl).max_level == 3


def test_prior_learning_counts_where_accepted_but_never_shows_advanced(
    record_rpl, link_worker, framework
):
    # SPLW-COM-01 (community directory) is covered by ST0958's K9, so it accepts RPL.
    record_rpl("SPLW-COM-01", 4)

    assert _achieved(link_worker, framework, "SPLW-COM-01") == 3


def test_prior_learning_is_refused_where_the_competency_does_not_accept_it(
    record_rpl, link_worker, framework
):
    # Safe to practise needs evidence from practice here: no credit for a certificate.
    with pytest.raises(ValidationError):
        record_rpl("SPLW-SAF-02", 3)

    assert _achieved(link_worker, framework, "SPLW-SAF-02") == 0


def test_rpl_is_accepted_only_where_an_accredited_route_covers_the_competency(framework):
    accepting = framework.competencies.filter(accepted_methods__code="RPL")

    assert sorted(accepting.values_list("id_number", flat=True)) == [
        "SPLW-COM-01",
        "SPLW-EQU-02",
        "SPLW-PCP-03",
    ]
    for competency in accepting:
        assert {r.framework for r in competency.national_references.all()} & {"ST0958", "PCI"}
    assert not framework.competencies.filter(required_methods__code="RPL").exists()


def test_the_framework_has_saf_04_and_out_05_and_every_competency_is_mapped(framework):
    competencies = framework.competencies.assessable()

    assert competencies.count() == 31
    assert competencies.filter(is_core=True).count() == 23
    saf_04 = competencies.get(id_number="SPLW-SAF-04")
    assert saf_04.is_core
    assert saf_04.needed_before_unsupervised_work
    assert not competencies.get(id_number="SPLW-OUT-05").is_core
    assert competencies.get(id_number="SPLW-EQU-04").is_core
    for competency in competencies.prefetch_related("national_references"):
        assert competency.advanced_descriptor, competency.id_number
        assert competency.senior_route, competency.id_number
        assert competency.national_references.all(), competency.id_number


def test_a_change_of_references_or_descriptor_shows_in_the_competencys_history():
    from curriculum.selectors import competency_versions

    framework = _framework()
    services.framework_revise(
        framework=framework,
        competencies=[
            {
                "id_number": "D-01",
                "advanced_descriptor": "Leads the team's practice.",
                "national_references": ["ST0958:Duty 3"],
            }
        ],
    )

    history = competency_versions(framework.competencies.get(id_number="D-01"))

    assert [version.number for version in history] == [1, 2]
    assert history[-1].changed == ("Level 4 descriptor", "National references")
