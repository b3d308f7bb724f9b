"""Page rules, the demo curriculum and the public curriculum site."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from curriculum.content_files import demo_content
from curriculum.models import CurriculumPage, HomePage, ModulePage

pytestmark = pytest.mark.django_db


class TestPageRules(WagtailPageTestCase):
    def test_home_page_sits_at_the_root_and_holds_curricula(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertAllowedSubpageTypes(HomePage, {CurriculumPage})

    def test_modules_live_only_under_a_curriculum(self):
        self.assertCanCreateAt(CurriculumPage, ModulePage)
        self.assertCanNotCreateAt(HomePage, ModulePage)
        self.assertCanNotCreateAt(Page, ModulePage)
        self.assertAllowedParentPageTypes(ModulePage, {CurriculumPage})
        self.assertAllowedSubpageTypes(ModulePage, set())

    def test_curricula_live_only_under_the_home_page(self):
        self.assertCanCreateAt(HomePage, CurriculumPage)
        self.assertCanNotCreateAt(CurriculumPage, CurriculumPage)
        self.assertCanNotCreateAt(Page, CurriculumPage)


def test_demo_curriculum_matches_the_brief(demo_curriculum, framework):
    modules = ModulePage.objects.child_of(demo_curriculum).live()
    assert modules.count() == 9
    competencies = framework.competencies.exclude(parent_id_number="")
    # Edition 2 added SAF-04 (core) and OUT-05, and made EQU-04 core.
    assert competencies.count() == 31
    assert competencies.filter(is_core=True).count() == 23
    assert [level.name for level in framework.scale_levels.order_by("value")] == [
        "Aware",
        "Developing",
        "Proficient",
        "Advanced",
    ]
    assert framework.proficiency_threshold == 3
    pcp = framework.competencies.get(id_number="SPLW-PCP-01")
    assert list(pcp.accepted_methods.values_list("code", flat=True)) == ["DOP"]


def test_every_module_has_outcomes_an_explanation_a_case_study_and_a_reflective_question(
    demo_curriculum,
):
    for module in ModulePage.objects.child_of(demo_curriculum):
        block_types = {block.block_type for block in module.body}
        assert module.outcomes_list, module.code
        assert {"rich_text", "case_study", "reflective_question"} <= block_types, module.code
        assert module.module_competencies.count() >= 3, module.code


def test_demo_curriculum_covers_every_topic_the_brief_names(demo_curriculum):
    text = " ".join(
        f"{module.summary} {module.learning_outcomes} {module.body.render_as_block()}"
        for module in ModulePage.objects.child_of(demo_curriculum)
    ).lower()
    for topic in [
        "interpret",
        "self-refer",
        "follow-up",
        "ons4",
        "dependen",
        "community asset",
        "language",
        "cultur",
        "confidence",
        "transport",
        "background",
        "871731000000106",
    ]:
        assert topic in text, topic


def test_curriculum_index_lists_modules_and_competencies(client, demo_curriculum):
    response = client.get("/curriculum/")

    content = response.content.decode()
    assert response.status_code == 200
    for module in demo_content().latest.modules:
        assert module.title.replace('"', "&quot;") in content
        for code in module.competencies:
            assert f"/curriculum/competencies/{code}/" in content


def test_module_page_shows_outcomes_content_competencies_and_version(client, demo_curriculum):
    response = client.get("/curriculum/rol/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Learning outcomes" in content
    assert "Case study:" in content
    assert "Reflect" in content
    assert "SPLW-ROL-01" in content
    # The demo publishes edition 1 of the module and the framework, then edition 2.
    assert "Module version 2" in content
    assert "framework version 2" in content


def test_competency_page_shows_criteria_methods_and_where_it_is_taught(client, demo_curriculum):
    response = client.get("/curriculum/competencies/SPLW-PCP-01/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "What an assessor looks for" in content
    assert "Direct observation of practice" in content
    assert '"What matters to you" conversations' in content.replace("&quot;", '"')


def test_unknown_competency_is_a_404(client, demo_curriculum):
    assert client.get("/curriculum/competencies/SPLW-NOPE-99/").status_code == 404


def test_printable_view_holds_every_module(client, demo_curriculum):
    content = client.get("/curriculum/print/").content.decode()

    assert content.count('class="app-print-module"') == 9


def test_public_search_finds_modules(client, searchable_curriculum):
    response = client.get("/search/", {"q": "interpreter"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "/curriculum/rol/" in content


def test_empty_search_shows_the_form_only(client, demo_curriculum):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "result" not in response.content.decode().split("</form>", 1)[1]


def test_draft_changes_are_not_public(client, demo_curriculum):
    module = ModulePage.objects.get(code="ROL")
    module.summary = "A draft summary nobody has reviewed."
    module.save_revision()

    assert (
        "A draft summary nobody has reviewed."
        not in client.get("/curriculum/rol/").content.decode()
    )


def test_module_page_queries_do_not_grow_with_competencies(client, demo_curriculum):
    def queries_for(path):
        client.get(path)  # warm caches (site root, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    # ROL develops 3 competencies, EQU 4: the count must not depend on that.
    assert queries_for("/curriculum/rol/") == queries_for("/curriculum/equ/")


def test_competency_page_says_the_evidence_rule_caps_and_refresher_in_words(
    client, demo_curriculum
):
    safety = client.get("/curriculum/competencies/SPLW-SAF-02/").content.decode()
    governance = client.get("/curriculum/competencies/SPLW-OUT-04/").content.decode()
    conversations = client.get("/curriculum/competencies/SPLW-PCP-01/").content.decode()

    assert "Needs all of: knowledge test, simulation or role-play" in safety
    assert "A knowledge test alone shows at most level 2 Developing" in safety
    # E-learning is not part of this rule, so its cap is not shown here.
    assert "E-learning completion alone" not in safety
    assert "Refresh every" not in safety
    assert "Refresh every 12 months by e-learning completion" in governance
    assert "An e-learning completion alone shows at most level 1 Aware" in governance
    assert "Any of: direct observation of practice" in conversations
    assert "Needs all of" not in conversations


def test_evidence_rule_words_join_all_of_and_any_of():
    from types import SimpleNamespace

    from curriculum.selectors import evidence_rule_words

    def method(pk, name):
        return SimpleNamespace(pk=pk, name=name)

    kt, sim, dop = method(1, "Knowledge test"), method(2, "Simulation"), method(3, "DOP")
    cap = SimpleNamespace(method=kt, method_id=1, max_level=2)
    competency = SimpleNamespace(refresh_months=36, refresh_method=None)

    words = evidence_rule_words(
        competency, required=[kt], accepted=[sim, dop], caps=[cap], level_names={2: "Developing"}
    )

    assert words.all_of == "Needs all of: knowledge test"
    assert words.any_of == "And any one of: simulation, DOP"
    assert words.caps == ("A knowledge test alone shows at most level 2 Developing",)
    assert words.refresher == "Refresh every 36 months"
