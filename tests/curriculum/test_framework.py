"""Framework rules (codes, tree, scale) in the rules module and the admin form."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import querydict_from_html

from curriculum import rules, services
from curriculum.models import Competency, CompetencyFramework, ModuleCompetency
from curriculum.rules import CompetencyData, ScaleLevelData

pytestmark = pytest.mark.django_db

SCALE = [
    ScaleLevelData(1, "Aware", description="Knows about it."),
    ScaleLevelData(2, "Developing", description="Does it with supervision."),
    ScaleLevelData(3, "Proficient", is_proficient=True, description="Does it independently."),
]


def test_scale_needs_a_proficiency_threshold():
    errors = rules.scale_errors([ScaleLevelData(1, "Aware"), ScaleLevelData(2, "Developing")])

    assert errors == ["Mark at least one scale level as proficient (the proficiency threshold)."]


def test_levels_above_the_threshold_are_proficient_too():
    errors = rules.scale_errors(
        [
            ScaleLevelData(1, "Aware"),
            ScaleLevelData(2, "Proficient", is_proficient=True),
            ScaleLevelData(3, "Advanced"),
        ]
    )

    assert errors == ["Every level above the proficiency threshold must also count as proficient."]


def test_scale_levels_are_numbered_without_gaps_and_named_uniquely():
    errors = rules.scale_errors(
        [ScaleLevelData(1, "Aware"), ScaleLevelData(3, "aware", is_proficient=True)]
    )

    assert any("without gaps" in error for error in errors)
    assert any("no two levels may share one" in error for error in errors)


def test_scale_level_names_cannot_hold_commas():
    errors = rules.scale_errors([ScaleLevelData(1, "Aware, just", is_proficient=True)])

    assert errors == ["Scale level names cannot contain commas."]


def test_a_good_scale_passes():
    assert rules.scale_errors(SCALE) == []


def test_codes_are_unique_within_a_framework():
    errors = rules.tree_errors(
        [CompetencyData("A", "One", row=2), CompetencyData("A", "Two", row=3)]
    )

    assert errors == ["Row 3: The code A is used twice."]


def test_parents_and_cross_references_must_exist():
    errors = rules.tree_errors(
        [CompetencyData("A", "One", parent_id_number="Z", cross_references=("Q",))]
    )

    assert "The parent code Z of A is not in this framework." in errors
    assert "A cross-references Q, which is not in this framework." in errors


def test_parent_loops_are_refused():
    errors = rules.tree_errors(
        [
            CompetencyData("A", "One", parent_id_number="B"),
            CompetencyData("B", "Two", parent_id_number="A"),
        ]
    )

    assert "A is inside itself (a parent loop)." in errors


def test_framework_create_refuses_a_bad_tree_and_saves_nothing():
    with pytest.raises(ValidationError) as refused:
        services.framework_create(
            id_number="BAD",
            short_name="Bad",
            scale=SCALE,
            competencies=[{"id_number": "A", "short_name": "A", "parent_id_number": "NOPE"}],
        )

    assert "The parent code NOPE of A is not in this framework." in refused.value.messages
    assert not CompetencyFramework.objects.exists()
    assert not Competency.objects.exists()


def test_framework_create_publishes_version_one():
    framework = services.framework_create(
        id_number="MINI",
        short_name="Mini",
        scale=SCALE,
        competencies=[
            {"id_number": "D", "short_name": "Domain"},
            {"id_number": "D-1", "short_name": "First", "parent_id_number": "D"},
        ],
    )

    assert framework.live
    assert framework.proficiency_threshold == 3
    assert [version.number for version in framework.versions.all()] == [1]


def _edit_form(client, framework):
    response = client.get(f"/admin/snippets/curriculum/competencyframework/edit/{framework.pk}/")
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    # The helper reads a ticked checkbox without a value attribute as "", where a browser sends
    # "on"; only ticked boxes are in the data at all.
    for key in list(data):
        if key.endswith(("-is_proficient", "-is_default", "-is_core", "-is_retired")):
            data[key] = "on"
    return data


def _competency_index(data, code):
    prefix = next(
        key.removesuffix("-id_number")
        for key, value in data.items()
        if key.startswith("competencies-") and key.endswith("-id_number") and value == code
    )
    return prefix


def test_admin_refuses_a_duplicate_code(client, framework, trainer):
    client.force_login(trainer)
    data = _edit_form(client, framework)
    data[f"{_competency_index(data, 'SPLW-ROL-02')}-id_number"] = "SPLW-ROL-01"

    response = client.post(
        f"/admin/snippets/curriculum/competencyframework/edit/{framework.pk}/", data
    )

    assert response.status_code == 200
    assert (
        "Please correct the duplicate data for framework and id_number" in response.content.decode()
    )
    framework.refresh_from_db()
    assert not framework.has_unpublished_changes


def test_admin_refuses_deleting_a_competency_in_use_and_offers_retiring(
    client, demo_curriculum, framework, trainer
):
    assert ModuleCompetency.objects.filter(competency__id_number="SPLW-ROL-02").exists()
    client.force_login(trainer)
    data = _edit_form(client, framework)
    data[f"{_competency_index(data, 'SPLW-ROL-02')}-DELETE"] = "1"

    response = client.post(
        f"/admin/snippets/curriculum/competencyframework/edit/{framework.pk}/", data
    )

    assert response.status_code == 200
    assert "cannot be deleted: mark it as retired instead" in response.content.decode()
    assert framework.competencies.filter(id_number="SPLW-ROL-02").exists()


def test_trainer_retires_a_competency_as_a_draft_for_review(client, framework, trainer):
    client.force_login(trainer)
    data = _edit_form(client, framework)
    data[f"{_competency_index(data, 'SPLW-COM-03')}-is_retired"] = "on"

    response = client.post(
        f"/admin/snippets/curriculum/competencyframework/edit/{framework.pk}/", data
    )

    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.has_unpublished_changes
    # Not live until a reviewer approves it.
    assert not Competency.objects.get(id_number="SPLW-COM-03").is_retired
    latest = framework.latest_revision.as_object()
    assert next(c for c in latest.competencies.all() if c.id_number == "SPLW-COM-03").is_retired


def test_framework_create_refuses_values_too_long_for_their_fields():
    with pytest.raises(ValidationError) as refused:
        services.framework_create(
            id_number="LONG",
            short_name="Long",
            scale=SCALE,
            competencies=[{"id_number": "A", "short_name": "x" * 300, "row": 7}],
        )

    assert any(message.startswith("Row 7: A: title") for message in refused.value.messages)
    assert not CompetencyFramework.objects.exists()


@pytest.mark.parametrize("role", ["trainer", "reviewer"])
def test_the_frameworks_listing_opens_for_curriculum_roles(client, request, role):
    """The admin menu's "Competency frameworks": the trainers' way in to the framework."""
    services.framework_create(
        id_number="SPLW-CORE",
        short_name="Core framework",
        scale=SCALE,
        competencies=[{"id_number": "D", "short_name": "Domain"}],
    )
    client.force_login(request.getfixturevalue(role))

    response = client.get("/admin/snippets/curriculum/competencyframework/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "SPLW-CORE" in page
    assert "Core framework" in page


def test_the_framework_preview_shows_its_rich_text_description(framework):
    framework.description = "<p>Standards for <b>link workers</b> &amp; their assessors.</p>"

    response = framework.make_preview_request()

    assert response.status_code == 200
    assert "<p>Standards for <b>link workers</b> &amp; their assessors.</p>" in (
        response.content.decode()
    )


# Evidence rules, method caps and refreshers through the builder


@pytest.fixture
def methods():
    for code, name in (("KT", "Knowledge test"), ("SIM", "Simulation"), ("DOP", "Observation")):
        services.assessment_method_ensure(code=code, name=name)
    services.assessment_method_ensure(code="ELC", name="E-learning")


def _one_competency(**rule) -> list[dict]:
    return [
        {"id_number": "D", "short_name": "Domain"},
        {"id_number": "D-1", "short_name": "First", "parent_id_number": "D", **rule},
    ]


def test_framework_create_keeps_all_of_any_of_refreshers_and_method_caps(methods):
    framework = services.framework_create(
        id_number="RULES",
        short_name="Rules",
        scale=SCALE,
        competencies=_one_competency(
            required_methods=["SIM", "KT"],
            accepted_methods=["DOP"],
            refresh_months=12,
            refresh_method="ELC",
        ),
        method_caps={"ELC": 1, "KT": 2},
    )

    competency = framework.competencies.get(id_number="D-1")
    assert sorted(m.code for m in competency.required_methods.all()) == ["KT", "SIM"]
    assert [m.code for m in competency.accepted_methods.all()] == ["DOP"]
    assert (competency.refresh_months, competency.refresh_method.code) == (12, "ELC")
    caps = {cap.method.code: cap.max_level for cap in framework.method_caps.all()}
    assert caps == {"ELC": 1, "KT": 2}
    # The published revision carries the rules too: they change only through review.
    live = framework.live_revision.as_object()
    assert {cap.max_level for cap in live.method_caps.all()} == {1, 2}


@pytest.mark.parametrize(
    ("rule", "caps", "message"),
    [
        (
            {"required_methods": ["KT"], "accepted_methods": ["KT", "DOP"]},
            {},
            "D-1: KT cannot be both in 'all of these methods' and in 'any of these methods': "
            "choose one.",
        ),
        (
            {},
            {"KT": 4},
            "Method caps: KT is capped at level 4, which is not on the scale (levels 1 to 3).",
        ),
        ({"refresh_method": "ELC"}, {}, "D-1: a refresh method needs a refresh period in months."),
        ({"required_methods": ["PD"]}, {}, "D-1: unknown assessment method PD."),
        ({}, {"XYZ": 1}, "Method caps: unknown assessment method XYZ."),
    ],
)
def test_framework_create_refuses_a_broken_evidence_rule(methods, rule, caps, message):
    with pytest.raises(ValidationError) as refused:
        services.framework_create(
            id_number="BAD",
            short_name="Bad",
            scale=SCALE,
            competencies=_one_competency(**rule),
            method_caps=caps,
        )

    assert message in refused.value.messages
    assert not CompetencyFramework.objects.exists()


def test_a_published_framework_needs_a_descriptor_for_every_level():
    scale = [*SCALE, ScaleLevelData(4, "Advanced", is_proficient=True)]

    with pytest.raises(ValidationError) as refused:
        services.framework_create(
            id_number="NO-4", short_name="No 4", scale=scale, competencies=_one_competency()
        )

    assert refused.value.messages == [
        "Scale level 4 (Advanced) needs a descriptor: what a person at this level can do."
    ]
    assert not CompetencyFramework.objects.exists()


def test_the_demo_framework_describes_every_level_and_keeps_the_default_caps(framework):
    levels = framework.scale_levels.order_by("value")

    assert all(level.description for level in levels)
    assert levels.last().name == "Advanced"


# Evidence rules, refreshers and method caps in the admin form


def _method_pk(code: str) -> str:
    from curriculum.models import AssessmentMethod

    return str(AssessmentMethod.objects.get(code=code).pk)


def _add_cap(data, code: str, level: int) -> None:
    index = int(data["method_caps-TOTAL_FORMS"])
    data[f"method_caps-{index}-method"] = _method_pk(code)
    data[f"method_caps-{index}-max_level"] = str(level)
    data[f"method_caps-{index}-id"] = ""
    data[f"method_caps-{index}-ORDER"] = str(index + 1)
    data["method_caps-TOTAL_FORMS"] = str(index + 1)


def _post(client, framework, data):
    # Every value of each key: the test client would send only the last one of a QueryDict's.
    values = {key: data.getlist(key) for key in data}
    return client.post(
        f"/admin/snippets/curriculum/competencyframework/edit/{framework.pk}/", values
    )


def test_a_trainer_authors_an_evidence_rule_refresher_and_cap_as_a_draft_for_review(
    client, framework, trainer, reviewer
):
    client.force_login(trainer)
    data = _edit_form(client, framework)
    prefix = _competency_index(data, "SPLW-SAF-02")
    data.setlist(f"{prefix}-required_methods", [_method_pk("SIM"), _method_pk("KT")])
    data.setlist(f"{prefix}-accepted_methods", [])
    data[f"{prefix}-refresh_months"] = "12"
    data[f"{prefix}-refresh_method"] = _method_pk("ELC")
    _add_cap(data, "CBD", 3)

    response = _post(client, framework, data)

    assert response.status_code == 302
    live = Competency.objects.get(id_number="SPLW-SAF-02")
    assert live.refresh_months is None  # a draft: nothing changes until it is approved
    draft = framework.latest_revision.as_object()
    drafted = next(c for c in draft.competencies.all() if c.id_number == "SPLW-SAF-02")
    assert sorted(m.code for m in drafted.required_methods.all()) == ["KT", "SIM"]

    revision = CompetencyFramework.objects.get(pk=framework.pk).latest_revision
    revision.publish(user=reviewer)

    live = Competency.objects.get(id_number="SPLW-SAF-02")
    assert sorted(m.code for m in live.required_methods.all()) == ["KT", "SIM"]
    assert list(live.accepted_methods.all()) == []
    assert (live.refresh_months, live.refresh_method.code) == (12, "ELC")
    assert framework.method_caps.get(method__code="CBD").max_level == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda data, prefix: (
                data.setlist(f"{prefix}-required_methods", [_method_pk("KT")]),
                data.setlist(f"{prefix}-accepted_methods", [_method_pk("KT"), _method_pk("SIM")]),
            ),
            "SPLW-SAF-02: KT cannot be both in &#x27;all of these methods&#x27; and in &#x27;any "
            "of these methods&#x27;: choose one.",
        ),
        (
            lambda data, prefix: _add_cap(data, "CBD", 9),
            "Method caps: CBD is capped at level 9, which is not on the scale (levels 1 to 4).",
        ),
        (
            lambda data, prefix: data.__setitem__(f"{prefix}-refresh_method", _method_pk("ELC")),
            "SPLW-SAF-02: a refresh method needs a refresh period in months.",
        ),
        (
            lambda data, prefix: data.__setitem__(
                next(k for k, v in data.items() if k.endswith("-name") and v == "Advanced").replace(
                    "-name", "-description"
                ),
                "",
            ),
            "Scale level 4 (Advanced) needs a descriptor: what a person at this level can do.",
        ),
    ],
)
def test_the_admin_form_refuses_a_broken_evidence_rule(client, framework, trainer, change, message):
    client.force_login(trainer)
    data = _edit_form(client, framework)
    change(data, _competency_index(data, "SPLW-SAF-02"))

    response = _post(client, framework, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    framework.refresh_from_db()
    assert not framework.has_unpublished_changes


def test_the_framework_preview_shows_evidence_rules_caps_refreshers_and_descriptors(framework):
    response = framework.make_preview_request()

    page = response.content.decode()
    assert response.status_code == 200
    assert "4 Advanced (proficient): Can teach, lead or quality-assure it." in page
    assert "Knowledge test alone shows at most level 2" in page
    assert "all of: KT – Knowledge test, SIM – Simulation or role-play" in page
    assert "refresh every 12 months by E-learning completion" in page
