"""The competency profile in the credential: alignments to the framework's public competency
pages (and national references where mapped), the rating scale, and each level achieved."""

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings

from credentials.verification import SCHEMA_FILE, schema_errors
from curriculum.models import Competency
from tests.credentials.conftest import SITE

pytestmark = pytest.mark.django_db

SHARED_SCHEMA = (
    Path(settings.BASE_DIR).parent
    / "shared"
    / "interop"
    / "ob_v3p0_achievementcredential_schema.json"
)


def test_the_schema_the_app_carries_is_the_specifications_unmodified():
    # Vendored so that the app needs nothing outside the repository at run time.
    assert (
        hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
        == hashlib.sha256(SHARED_SCHEMA.read_bytes()).hexdigest()
        == "5753fb3ecf7d024ed273dd364bd683f483eb47257e718e6618832cf89eb2083a"
    )
    jsonschema.Draft201909Validator.check_schema(json.loads(SCHEMA_FILE.read_text()))


def test_the_credential_aligns_to_each_competency_and_carries_its_level(
    client, certificate, framework
):
    credential = client.get(f"/verify/{certificate.verification_code}/credential.json").json()

    assert schema_errors(credential) == []
    achievement = credential["credentialSubject"]["achievement"]
    rows = certificate.snapshot["competencies"]
    assert rows, "the certificate's snapshot holds the competencies it rests on"
    competency_alignments = {
        a["targetCode"]: a
        for a in achievement["alignment"]
        if a["targetFramework"] == framework.short_name
    }
    assert set(competency_alignments) == {row["code"] for row in rows}
    for row in rows:
        alignment = competency_alignments[row["code"]]
        assert alignment["targetType"] == "ceasn:Competency"
        # The public competency page it names is really there.
        page = alignment["targetUrl"]
        assert page.startswith(f"{SITE}/")
        assert page.endswith(f"/competencies/{row['code']}/")
        assert client.get(page.removeprefix(SITE)).status_code == 200

    scale = sorted(framework.scale_levels.all(), key=lambda level: level.value)
    descriptions = {d["id"]: d for d in achievement["resultDescription"]}
    results = credential["credentialSubject"]["result"]
    assert len(results) == len(rows)
    for row, result in zip(rows, results, strict=True):
        description = descriptions[result["resultDescription"]]
        assert description["resultType"] == "RubricCriterionLevel"
        assert [level["name"] for level in description["rubricCriterionLevel"]] == [
            level.name for level in scale
        ]
        achieved = next(
            level
            for level in description["rubricCriterionLevel"]
            if level["id"] == result["achievedLevel"]
        )
        assert achieved["level"] == str(row["level"])
        assert result["value"] == row["level_name"] == achieved["name"]


def test_national_framework_references_are_aligned_where_the_curriculum_maps_them(
    client, certificate
):
    codes = [row["code"] for row in certificate.snapshot["competencies"]]
    mapped = {
        (reference.framework, reference.code)
        for competency in Competency.objects.filter(id_number__in=codes).prefetch_related(
            "national_references"
        )
        for reference in competency.national_references.all()
        if reference.live
    }
    assert mapped, "the demo framework maps its competencies to national references"
    credential = client.get(f"/verify/{certificate.verification_code}/credential.json").json()
    national = {
        a["targetCode"]
        for a in credential["credentialSubject"]["achievement"]["alignment"]
        if a["targetType"] == "ceasn:Competency" and a["targetCode"] not in codes
    }

    assert national == {code for _, code in mapped}
