"""The bench harness run in-process against a tiny world: scenarios produce rows with figures
and query counts, the JSON is written, the import leaves the database as it was, and the raw
SQL baselines read what the pages read. No gunicorn, no wrk, no timers asserted."""

import datetime
import json
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone

from certificates import demo as certificates_demo
from certificates.models import Certificate, Qualification, RevocationReason
from competencies import services
from competencies.models import Assessment
from curriculum.models import AssessmentMethod
from curriculum.selectors import current_version
from scale.bench import views as bench_views
from scale.bench.measure import client_for
from scale.bench.runner import run_bench
from scale.bench.scenarios import (
    Options,
    Run,
    _pdf_pages,
    _without_a_current_certificate,
    assessment_import,
    matrix_sql,
    register_sql,
    render_floor,
)
from scale.bench.server import BenchError
from scale.bench.world import find_world
from tests.factories import MembershipFactory
from workforce.models import Role

pytestmark = pytest.mark.django_db

# The raw SQL baselines are PostgreSQL's, as the bench is: make test-scale runs these on it.
on_postgresql = pytest.mark.scale


@pytest.fixture
def tiny_world(demo_curriculum, organisation):
    """The demo's named accounts in one organisation with two link workers: what the bench
    falls back to in a database that seed_scale did not make."""

    def member(role, email=None):
        extra = {"user__email": email} if email else {}
        return MembershipFactory(organisation=organisation, role=role, **extra).user

    people = {
        "manager": member(Role.MANAGER, "manager@example.org"),
        "assessor": member(Role.ASSESSOR, "assessor@example.org"),
        "worker": member(Role.LINK_WORKER, "linkworker@example.org"),
        "other": member(Role.LINK_WORKER),
    }
    return people


def quick(**overrides) -> Options:
    return Options.quick_run(repeats=1, render_repeats=1, renders=2, **overrides)


def test_a_run_writes_each_scenarios_rows_with_figures_and_query_counts(tiny_world, tmp_path):
    certificates_demo.load_qualification()  # the team page's headline qualification
    output = tmp_path / "bench-results.json"
    assessments = Assessment.objects.count()

    run_bench(
        options=quick(),
        only=["team-size", "hostile"],
        seed=False,
        output=output,
        say=lambda _: None,
    )

    data = json.loads(output.read_text())
    assert [row["error"] for row in data["results"]] == [""] * len(data["results"])
    titles = [row["title"] for row in data["results"]]
    assert titles[:3] == [
        "team page, 200 vs 2 people",
        "team matrix, 200 vs 2 people",
        "team page, 200 (2 ready to certify) vs 2 (1 ready)",
    ]
    assert titles[3].startswith("hostile spreadsheet")
    for row in data["results"]:
        assert row["error"] == ""
        assert row["baseline"] > 0
        assert row["measured"] > 0
        assert isinstance(row["met"], bool)
        assert row["queries"] > 0
    # The same manager on both sides here: the same queries.
    team = data["results"][0]
    assert team["queries"] == team["baseline_queries"]
    # One link worker made ready to certify for the small side, both for the big side: the
    # page judged their checklists (four queries more on each side than with nobody ready, as
    # the row reports), and the assessments that made them ready were rolled back.
    ready = data["results"][2]
    assert ready["details"]["ready"] == 2
    assert ready["details"]["baseline_ready"] == 1
    assert ready["queries"] == ready["baseline_queries"] == team["queries"] + 4
    assert ready["details"]["nobody_ready_queries"] == team["baseline_queries"]
    assert ready["details"]["nobody_ready_seconds"] == team["baseline"]
    assert Assessment.objects.count() == assessments
    hostile = data["results"][3]
    assert hostile["checks"][0]["name"] == "refused"
    assert hostile["checks"][0]["ok"] is True
    assert data["meta"]["scenarios"] == ["team-size", "hostile"]
    assert "seed_seconds" not in data["meta"]  # not seeded: this database is used as it is


def _current_certificate(worker, manager, organisation, number: int):
    """A current certificate row of the demo's Core qualification, as an issue leaves it."""
    qualification = Qualification.objects.get(code=certificates_demo.CORE_CODE)
    issued_on = timezone.localdate() - datetime.timedelta(days=30)
    return Certificate.objects.create(
        number=f"LWA-BENCH-{number:06d}",
        verification_code=f"{number:032d}",
        holder=worker,
        qualification=qualification,
        employer=organisation,
        framework_version=current_version(qualification.framework),
        holder_name=worker.full_name,
        employer_name=organisation.name,
        qualification_title=qualification.title,
        issuer_name=qualification.issuer_name,
        issued_on=issued_on,
        expires_on=issued_on + datetime.timedelta(days=3 * 365),
        renewal_due_on=issued_on + datetime.timedelta(days=3 * 365 - 60),
        snapshot={"competencies": [], "signoffs": []},
        pdf=f"certificates/bench-{number}.pdf",
        pdf_sha256=f"{number:064d}",
        issued_by=manager,
    )


def test_a_team_where_everyone_is_certified_has_one_certificate_revoked_by_its_manager(
    tiny_world, organisation
):
    # The ready-to-certify row's 2-person side needs someone without a current certificate.
    certificates_demo.load_qualification()
    manager = tiny_world["manager"]
    held = [
        _current_certificate(tiny_world[name], manager, organisation, number)
        for number, name in enumerate(("worker", "other"), start=1)
    ]

    _without_a_current_certificate(manager)

    for certificate in held:
        certificate.refresh_from_db()
    revoked = [c for c in held if c.revoked_at is not None]
    assert len(revoked) == 1
    assert not revoked[0].is_current
    assert revoked[0].revoked_by == manager
    assert revoked[0].revocation_reason == RevocationReason.ISSUED_IN_ERROR
    assert [c.is_current for c in held if c not in revoked] == [True]

    # Someone is without one now: nothing more is revoked.
    _without_a_current_certificate(manager)
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1


def test_the_render_scenario_counts_the_pages_weasyprint_packs_into_object_streams():
    from weasyprint import HTML

    from certificates.pdf import PDF_VARIANT

    two_pages = HTML(string='<p>One</p><p style="page-break-before: always">Two</p>').write_pdf(
        pdf_variant=PDF_VARIANT
    )

    assert _pdf_pages(render_floor()) == 1
    assert _pdf_pages(two_pages) == 2


def test_a_scenario_that_cannot_run_is_a_row_with_its_error(tiny_world, tmp_path):
    # No certificate anywhere: the verification page has nothing to verify.
    results, _ = run_bench(
        options=quick(),
        only=["pdf-render"],
        seed=False,
        output=tmp_path / "r.json",
        say=lambda _: None,
    )

    assert len(results) == 1
    assert "no certificate" in results[0].error
    assert not results[0].met


def test_an_unknown_scenario_is_refused(tmp_path):
    with pytest.raises(BenchError, match="no scenario nope"):
        run_bench(options=quick(), only=["nope"], seed=False, output=tmp_path / "r.json")


def test_the_import_scenario_goes_through_the_app_and_leaves_nothing_behind(tiny_world):
    before = Assessment.objects.count()
    run = Run(options=quick(import_rows=40), world=find_world(), say=lambda _: None)

    [result] = assessment_import(run)

    assert Assessment.objects.count() == before
    assert result.details["rows"] == 40
    assert result.details["new"] == 40  # every row saved by the app, then rolled back
    assert result.details["prepared"] == 40  # and the same rows bulk-created
    assert result.measured > 0
    assert result.baseline > 0


def test_the_bare_baseline_view_is_only_in_the_bench_urlconf():
    assert resolve("/bench/bare/", urlconf="scale.bench.urls").func is bench_views.bare
    assert resolve("/bench/bare/", urlconf="config.urls").func is not bench_views.bare


def test_the_bare_baseline_view_renders_its_static_template(settings):
    templates = Path(bench_views.__file__).parent / "templates"
    engine = {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], templates]}
    with override_settings(ROOT_URLCONF="scale.bench.urls", TEMPLATES=[engine]):
        response = client_for().get("/bench/bare/")

    assert response.status_code == 200
    assert b"static template" in response.content


@on_postgresql
def test_the_matrix_sql_reads_the_latest_standing_assessment_per_method(tiny_world, framework):
    worker, assessor = tiny_world["worker"], tiny_world["assessor"]
    competency = framework.competencies.assessable().order_by("sort_order").first()
    method = (competency.accepted_methods.first() or competency.required_methods.first()) or (
        AssessmentMethod.objects.first()
    )
    today = timezone.localdate()
    for level, days_ago in ((2, 30), (1, 10)):
        services.assessment_record(
            worker=worker,
            competency=competency,
            level=level,
            method=method,
            assessed_on=today - datetime.timedelta(days=days_ago),
            assessor=assessor,
        )

    rows = matrix_sql(tiny_world["manager"], framework.pk)()

    # The latest by the method counts (level 1), not the higher, older one.
    assert rows == [(worker.pk, competency.pk, 1)]


@on_postgresql
def test_the_register_sql_reads_the_managers_certificates(tiny_world):
    # No certificates in this world: the SQL runs and finds none, whatever the filter.
    assert register_sql(tiny_world["manager"])() == []
    assert register_sql(tiny_world["manager"], status="revoked", limit=None)() == []
