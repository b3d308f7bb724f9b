"""The crosswalk to the national frameworks, level-4 descriptors and senior routes: kept through
the framework services, and shown on the public site."""

import pytest
from django.core.exceptions import ValidationError

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
