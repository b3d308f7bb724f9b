"""make backup / make restore: a backup restored into a fresh database and fresh storages gives
back every certificate (its stored SHA-256 matches its restored PDF, and it verifies as before)
and every evidence file; a damaged backup is refused by the name of the damaged file."""

import copy
import hashlib
import io
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from certificates import services
from certificates.models import Certificate, RevocationReason
from competencies import services as competency_services
from competencies.models import Evidence, EvidenceKind
from scale.backup import MANIFEST
from tests.certificates.records import signed_off
from tests.downloads import downloaded
from tests.storage.conftest import REGION, s3_specs
from tests.stored_files import disk_specs, use_storages

# pg_dump reads what is committed, as it would on a live site.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[None]:
    """The default connection on a new, empty database (PostgreSQL: made and dropped here;
    SQLite: a new file) for the duration."""
    settings_dict = connection.settings_dict
    kept = settings_dict["NAME"]
    postgres = connection.vendor == "postgresql"
    token = secrets.token_hex(4)
    name = f"storage_restore_{token}" if postgres else str(tmp_path / f"fresh-{token}.db")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    settings_dict["NAME"] = name
    # A restore forgets the content types this process knew; the test database's are put back
    # after, or the test's own clean-up would make them afresh with other ids.
    content_types = copy.deepcopy(ContentType.objects._cache)
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = kept
        ContentType.objects._cache = content_types
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _submit_evidence(worker, competency, content: bytes = PDF) -> Evidence:
    return competency_services.evidence_submit(
        worker=worker,
        kind=EvidenceKind.DOCUMENT,
        title="Case review",
        competencies=[competency],
        upload=SimpleUploadedFile("case-review.pdf", content, content_type="application/pdf"),
    )


def _restore(source: str, **options) -> str:
    out = io.StringIO()
    call_command("restore", source=source, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def _backup(to: str) -> None:
    call_command("backup", to=to, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture(params=["folder", "s3"])
def places(request, tmp_path, monkeypatch, settings):
    """Where the files live before and after, and where the backup goes: local folders, or
    buckets of the test's own on the local S3 server."""
    if request.param == "folder":
        before = use_storages(monkeypatch, settings, **disk_specs(tmp_path / "before"))
        return {
            "backup_to": str(tmp_path / "backups"),
            "before": before,
            "after": disk_specs(tmp_path / "after"),
        }
    endpoint = request.getfixturevalue("s3_endpoint")
    s3 = request.getfixturevalue("s3_client")
    buckets = [f"academy-{secrets.token_hex(6)}" for _ in range(2)]
    for bucket in buckets:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGE_S3_ENDPOINT_URL = endpoint
    settings.STORAGE_S3_REGION = REGION
    before = use_storages(monkeypatch, settings, **s3_specs(buckets[0], endpoint))
    return {
        "backup_to": f"s3://{buckets[0]}/backups",
        "before": before,
        "after": s3_specs(buckets[1], endpoint),
    }


def test_a_backup_restores_into_a_fresh_database_and_every_certificate_still_verifies(
    client, places, monkeypatch, settings, tmp_path, manager, eligible_worker, qualification
):
    revoked = services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )
    services.certificate_revoke(
        actor=manager,
        certificate=revoked,
        reason=RevocationReason.ISSUED_IN_ERROR,
        details="Issued to the wrong person.",
    )
    # A new certificate rests on a new sign-off: the first one was used.
    signed_off(
        eligible_worker,
        qualification,
        assessor=revoked.award_sign_off.assessor,
        supervisor=revoked.award_sign_off.countersigned_by,
    )
    valid = services.certificate_issue(
        actor=manager, worker=eligible_worker, qualification=qualification
    )
    evidence = _submit_evidence(eligible_worker, qualification.framework.competencies.first())
    certificates = {c.number: c.pdf_sha256 for c in Certificate.objects.all()}
    assert len(certificates) == 2

    _backup(places["backup_to"])
    # Everything moves somewhere new: a fresh database and fresh, empty storages.
    after = use_storages(monkeypatch, settings, **places["after"])
    settings.MEDIA_ROOT = tmp_path / "media-after"
    with fresh_database(tmp_path):
        said = _restore(places["backup_to"])

        assert "Certificates: 2 checked, 2 match the SHA-256 stored with them." in said
        for number, sha256 in certificates.items():
            certificate = Certificate.objects.get(number=number)
            assert certificate.pdf_sha256 == sha256
            with after["certificates"].open(certificate.pdf.name) as handle:
                assert hashlib.sha256(handle.read()).hexdigest() == sha256
        assert client.get(f"/verify/{valid.verification_code}.json").json()["status"] == "valid"
        assert client.get(f"/verify/{revoked.verification_code}.json").json()["status"] == "revoked"
        restored = Evidence.objects.get(pk=evidence.pk)
        with after["evidence"].open(restored.file.name) as handle:
            assert handle.read() == PDF
        client.force_login(eligible_worker)
        pdf = downloaded(client, f"/progress/certificates/{valid.number}/pdf/")
        assert hashlib.sha256(pdf).hexdigest() == valid.pdf_sha256

        # Restoring again would overwrite what is there now: refused, in words.
        with pytest.raises(CommandError, match=r"is not empty .* --force"):
            _restore(places["backup_to"])


def test_a_damaged_backup_is_refused_by_the_name_of_the_file_and_nothing_is_restored(
    on_disk, monkeypatch, settings, tmp_path, link_worker, framework
):
    evidence = _submit_evidence(link_worker, framework.competencies.first())
    backups = tmp_path / "backups"
    _backup(str(backups))
    (folder,) = backups.iterdir()
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["database"]["engine"] == connection.vendor
    (entry,) = [e for e in manifest["files"] if e["storage"] == "evidence"]
    assert entry["name"] == evidence.file.name
    assert entry["sha256"] == hashlib.sha256(PDF).hexdigest()
    damaged = folder / entry["file"]
    damaged.write_bytes(PDF.replace(b"Catalog", b"Catalot"))
    after = use_storages(monkeypatch, settings, **disk_specs(tmp_path / "after"))

    with fresh_database(tmp_path):
        with pytest.raises(CommandError) as refused:
            _restore(str(backups))
        assert f"{entry['file']} is corrupt" in str(refused.value)
        assert "nothing was restored" in str(refused.value)
        assert connection.introspection.table_names() == []
    assert not after["evidence"].exists(entry["name"])

    # A manifest that is not JSON is refused by its name too.
    (folder / MANIFEST).write_text('{"format": 1, "database": ')
    with fresh_database(tmp_path), pytest.raises(CommandError, match=r"manifest\.json is corrupt"):
        _restore(str(folder))
