"""Moodle competency framework CSV: import (service, command, admin with preview) and export."""

import csv
import dataclasses
import hashlib
import html
import io
import json
import re
import zipfile
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from curriculum import selectors, services
from curriculum.models import Competency, CompetencyFramework, NationalReference
from curriculum.moodle import (
    HEADER,
    MoodleImportError,
    ParsedFramework,
    parse_framework_csv,
    write_framework_csv,
    write_framework_zip,
)
from curriculum.rules import ScaleLevelData
from tests.factories import UserFactory
from workforce.models import User
from workforce.permissions import CURRICULUM_REVIEWERS_GROUP, TRAINERS_GROUP

pytestmark = pytest.mark.django_db

# The real Moodle fixture, kept unmodified beside the project (see ../shared/interop/SOURCES.md).
EXAMPLE = Path(settings.BASE_DIR).parent / "shared" / "interop" / "moodle-lpimportcsv-example.csv"
EXAMPLE_SHA256 = "4226a75e9acd3c6d42c8683166c678c59bf7f08f5300e971e23d9374244282bf"
IMPORT_URL = "/admin/frameworks/import/"


@cache
def example_bytes() -> bytes:
    return EXAMPLE.read_bytes()


def example_rows() -> list[list[str]]:
    """A fresh copy of the file's rows, header first, to edit into bad files."""
    return list(csv.reader(io.StringIO(example_bytes().decode("utf-8"), newline="")))


def competency_rows(rows: list[list[str]]) -> list[list[str]]:
    return [row for row in rows[1:] if row[12] in {"", "0"}]


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def depth_counts(parent_of: dict[str, str]) -> dict[int, int]:
    depths = []
    for code in parent_of:
        depth, parent = 1, parent_of[code]
        while parent:
            depth, parent = depth + 1, parent_of[parent]
        depths.append(depth)
    return dict(sorted(Counter(depths).items()))


def same_html(stored: str, original: str) -> bool:
    return html.unescape(stored.replace("<br/>", "<br>")) == html.unescape(original)


def without_rows(parsed: ParsedFramework) -> ParsedFramework:
    competencies = [{k: v for k, v in item.items() if k != "row"} for item in parsed.competencies]
    return dataclasses.replace(parsed, competencies=competencies)


def assert_nothing_saved(frameworks_before: int = 0):
    assert CompetencyFramework.objects.count() == frameworks_before
    assert Competency.objects.count() == 0
    assert not ModelLogEntry.objects.filter(action="curriculum.framework.import").exists()


@pytest.fixture
def trainer():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    return user


@pytest.fixture
def reviewer():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=CURRICULUM_REVIEWERS_GROUP))
    return user


@pytest.fixture
def admin_only_user():
    """Can sign in to the Wagtail admin, but may not add frameworks."""
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


# The real file


def test_the_example_is_the_unmodified_moodle_fixture():
    assert hashlib.sha256(example_bytes()).hexdigest() == EXAMPLE_SHA256
    rows = example_rows()
    assert (len(rows), {len(row) for row in rows}) == (66, {14})


def test_the_real_moodle_file_imports_completely():
    rows = example_rows()
    framework_row = rows[1]
    file_competencies = competency_rows(rows)
    file_parents = {row[1]: row[0] for row in file_competencies}

    framework = services.framework_import(data=example_bytes())

    assert CompetencyFramework.objects.count() == 1
    assert (framework.id_number, framework.short_name) == ("OECD-CORE", "OECD")
    assert (
        framework.taxonomies == framework_row[13] == "competency,competency,competency,competency"
    )
    assert framework.moodle_scale_id == 2
    # Descriptions keep their text, markup and CRLFs, in the form that Wagtail's editor can load
    # (the admin test opens the edit page): a bare <br> becomes <br/>, ' becomes &#x27;.
    assert same_html(framework.description, framework_row[3])
    assert "\r\n" in framework.description
    scale = [
        (level.value, level.name, level.is_proficient, level.is_default)
        for level in framework.scale_levels.order_by("value")
    ]
    assert scale == [(1, "Not yet competent", False, False), (2, "Competent", True, True)]

    saved = list(Competency.objects.filter(framework=framework))
    assert len(saved) == len(file_competencies) == 64
    saved_parents = {item.id_number: item.parent_id_number for item in saved}
    assert set(saved_parents.items()) == set(file_parents.items())
    assert depth_counts(saved_parents) == depth_counts(file_parents) == {1: 2, 2: 8, 3: 15, 4: 39}
    by_code = {item.id_number: item for item in saved}
    for row in file_competencies:
        item = by_code[row[1]]
        assert item.short_name == row[2]
        assert same_html(item.description, row[3])
        assert item.cross_references == row[10]
        assert (item.rule_type, item.rule_outcome, item.rule_config) == (row[7], row[8], row[9])
    assert sum(len(item.cross_references.split(",")) for item in saved if item.cross_references)


def example_rules(id_number: str = "OECD-CORE") -> str:
    """A rules file for the example: Moodle's CSV holds no descriptors of its scale levels."""
    return json.dumps(
        {
            "format": "link-worker-academy/framework-rules",
            "version": 1,
            "framework": id_number,
            "scale": [
                {"value": 1, "name": "Not yet competent", "description": "Not yet shown."},
                {"value": 2, "name": "Competent", "description": "Shown in practice."},
            ],
            "method_caps": {},
            "competencies": [],
        }
    )


def test_an_import_is_published_and_logged_with_its_counts():
    framework = services.framework_import(data=example_bytes(), rules_data=example_rules())

    assert framework.live
    assert framework.versions.get().number == 1
    entry = ModelLogEntry.objects.get(action="curriculum.framework.import")
    assert entry.object_id == str(framework.pk)
    assert entry.data == {
        "competencies": 64,
        "scale_levels": 2,
        "published": True,
        "rules_file": True,
    }


def test_an_import_without_level_descriptors_stays_a_draft():
    """Moodle's CSV cannot hold what each level means; without the rules file beside it the
    framework waits, as a draft, for the descriptors to be written in the editor."""
    framework = services.framework_import(data=example_bytes())

    assert (framework.live, framework.versions.count()) == (False, 0)
    entry = ModelLogEntry.objects.get(action="curriculum.framework.import")
    assert entry.data["published"] is False


def test_a_trainer_import_waits_for_review_and_a_reviewer_import_goes_live(trainer, reviewer):
    drafted = services.framework_import(
        data=example_bytes(), rules_data=example_rules(), actor=trainer
    )
    rows = example_rows()
    rows[1][1] = "OECD-CORE-2"
    published = services.framework_import(
        data=to_csv(rows), rules_data=example_rules("OECD-CORE-2"), actor=reviewer
    )

    assert (drafted.live, drafted.versions.count()) == (False, 0)
    assert (published.live, published.versions.count()) == (True, 1)


def test_someone_who_may_not_add_frameworks_cannot_import(link_worker):
    with pytest.raises(PermissionDenied):
        services.framework_import(data=example_bytes(), actor=link_worker)

    assert_nothing_saved()


def test_a_utf8_byte_order_mark_is_accepted():
    parsed = parse_framework_csv(b"\xef\xbb\xbf" + example_bytes())

    assert parsed == parse_framework_csv(example_bytes())
    assert parsed.competencies[0]["row"] == 3  # the header is row 1, the framework row 2


def test_a_plain_text_description_becomes_escaped_paragraphs():
    rows = example_rows()
    rows[3][3:5] = ["Listens first.\nUses <plain> words.", "2"]

    parsed = parse_framework_csv(to_csv(rows))

    assert parsed.competencies[1]["description"] == (
        "<p>Listens first.<br/>Uses &lt;plain&gt; words.</p>"
    )


# Export and round trip


def test_export_then_import_gives_back_the_same_framework(django_assert_num_queries):
    services.framework_import(data=example_bytes())

    with django_assert_num_queries(3):  # the framework, its scale, its competencies
        text = write_framework_csv(selectors.framework_for_export(id_number="OECD-CORE"))

    original = parse_framework_csv(example_bytes())
    exported = parse_framework_csv(text)
    assert without_rows(exported) == without_rows(original)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(HEADER) == example_rows()[0]
    assert rows[1][4] == "1"
    assert rows[1][6] == '[{"scaleid":"2"},{"id":2,"scaledefault":1,"proficient":1}]'
    assert rows[1][12] == "1"
    # Parents first, in the file's own order: the running exported ids match Moodle's.
    assert [row[11] for row in rows[2:]] == [row[11] for row in example_rows()[2:]]
    assert text.endswith("\n")
    assert not text.endswith("\r\n")


def test_export_puts_parents_first_and_keeps_what_moodle_can_hold():
    services.framework_create(
        id_number="SPLW-TEST",
        short_name="Test framework",
        scale=[
            ScaleLevelData(1, "Aware", description="Knows of it."),
            ScaleLevelData(2, "Proficient", is_proficient=True, description="Does it."),
            ScaleLevelData(3, "Expert", is_proficient=True, description="Teaches it."),
        ],
        competencies=[
            {"id_number": "B-2", "parent_id_number": "B", "short_name": "Second child"},
            {"id_number": "B", "short_name": "Domain B"},
            {"id_number": "A", "short_name": "Domain A"},
            {
                "id_number": "B-1",
                "parent_id_number": "B",
                "short_name": "First child",
                "assessment_criteria": "Something only we keep",
                "is_core": True,
                "cross_references": "A",
            },
        ],
    )

    text = write_framework_csv(selectors.framework_for_export(id_number="SPLW-TEST"))

    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [(row[0], row[1], row[11]) for row in rows[2:]] == [
        ("", "B", "1"),
        ("B", "B-2", "2"),
        ("", "A", "3"),
        ("B", "B-1", "4"),
    ]
    assert "Something only we keep" not in text
    # No Moodle scale yet, and no default level: Moodle needs one, so the threshold is it.
    assert rows[1][5] == "Aware,Proficient,Expert"
    assert rows[1][6] == (
        '[{"scaleid":null},{"id":2,"scaledefault":1,"proficient":1},'
        '{"id":3,"scaledefault":0,"proficient":1}]'
    )
    parsed = parse_framework_csv(text)
    assert parsed.moodle_scale_id is None
    assert [level.is_default for level in parsed.scale] == [False, True, False]
    assert parsed.competencies[3]["cross_references"] == "A"


# Bad files: refused with the row and the reason, and nothing saved


def _edit(change):
    rows = example_rows()
    change(rows)
    return to_csv(rows)


def _set(row: int, column: int, value: str):
    """Change a cell; rows are numbered as in messages (the header is row 1)."""

    def change(rows):
        rows[row - 1][column] = value

    return change


def _scale_configuration(value: str):
    return _set(2, 6, value)


BAD_FILES = {
    "too few columns": (
        lambda rows: rows[10].pop(),
        ["Row 11: Expected 14 columns, found 13."],
    ),
    "too many columns": (
        lambda rows: rows[5].append("extra"),
        ["Row 6: Expected 14 columns, found 15."],
    ),
    "unknown parent": (
        _set(5, 0, "no-such-domain"),
        ["Row 5: The parent code no-such-domain of level-2 is not in this framework."],
    ),
    "duplicate id number": (
        lambda rows: rows.append(list(rows[20])),
        ["Row 67: The code influencing is used twice."],
    ),
    "scale configuration not JSON": (
        _scale_configuration("[{scaleid:2}"),
        ["Row 2: The Scale configuration is not valid JSON"],
    ),
    "scale configuration not a list": (
        _scale_configuration('{"scaleid":"2"}'),
        ["Row 2: The Scale configuration must be a JSON list"],
    ),
    "scale configuration without scaleid": (
        _scale_configuration('[{"id":2,"scaledefault":1,"proficient":1}]'),
        ["Row 2: The first item of the Scale configuration must hold the Moodle scale id"],
    ),
    "scale id not a number": (
        _scale_configuration('[{"scaleid":"two"},{"id":2,"scaledefault":1,"proficient":1}]'),
        ["Row 2: The Moodle scale id 'two' is not a whole number."],
    ),
    "scale value id past the end": (
        _scale_configuration('[{"scaleid":"2"},{"id":3,"scaledefault":1,"proficient":1}]'),
        ["Row 2: The Scale configuration refers to scale value 3, but the 2 Scale values"],
    ),
    "scale value id zero": (
        _scale_configuration('[{"scaleid":"2"},{"id":0,"proficient":1},{"id":2,"proficient":1}]'),
        ["Row 2: The Scale configuration refers to scale value 0"],
    ),
    "no proficient scale value": (
        _scale_configuration('[{"scaleid":"2"},{"id":2,"scaledefault":1,"proficient":0}]'),
        ["Row 2: Mark at least one scale level as proficient"],
    ),
    "no scale values": (_set(2, 5, ""), ["Row 2: The framework has no Scale values"]),
    "second framework row": (
        lambda rows: rows.append([*rows[1][:1], "OTHER", *rows[1][2:]]),
        ["Row 67: A second framework row (Is framework = 1); the framework is already defined"],
    ),
    "no framework row": (
        lambda rows: rows.pop(1),
        ["The file has no framework row"],
    ),
    "unknown cross reference": (
        _set(11, 10, "S-DT-1,NOT-THERE"),
        ["cross-references NOT-THERE, which is not in this framework."],
    ),
    "unknown description format": (
        _set(4, 4, "7"),
        ["Row 4: Unknown description format '7'"],
    ),
    "competency with a scale of its own": (
        _set(4, 5, "No,Yes"),
        ["Row 4: level-1 has a rating scale of its own"],
    ),
    "competency without a name": (_set(4, 2, " "), ["Row 4: level-1 has no Shortname."]),
    "id number too long": (
        _set(4, 1, "x" * 101),
        ["Row 4: Id number is 101 characters long; at most 100 fit."],
    ),
}


@pytest.mark.parametrize(("change", "expected"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_with_the_row_and_reason_and_nothing_saved(change, expected):
    data = _edit(change)

    with pytest.raises(MoodleImportError) as refused:
        services.framework_import(data=data)

    for message in expected:
        assert any(error.startswith(message) or message in error for error in refused.value.errors)
    assert_nothing_saved()


def test_header_only_is_a_file_without_a_framework():
    with pytest.raises(MoodleImportError) as refused:
        services.framework_import(data=to_csv(example_rows()[:1]))

    assert refused.value.errors == [
        "The file has no framework row: one row needs 1 in the 'Is framework' column (column 13)."
    ]
    assert_nothing_saved()


@pytest.mark.parametrize("data", [b"", "", b"\n\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(MoodleImportError) as refused:
        services.framework_import(data=data)

    assert refused.value.errors == ["The file is empty."]
    assert_nothing_saved()


def test_a_file_that_is_not_utf8_is_refused():
    # What a spreadsheet program on Windows saves: the curly apostrophe becomes byte 0x92.
    data = example_bytes().decode("utf-8").encode("cp1252")

    with pytest.raises(MoodleImportError) as refused:
        services.framework_import(data=data)

    [error] = refused.value.errors
    assert error.startswith("The file is not UTF-8 text (byte 0x92 at position ")
    assert_nothing_saved()


def test_every_problem_is_listed_in_row_order():
    def change(rows):
        rows[30][10] = "NOT-THERE"
        rows[4][0] = "no-such-domain"
        rows[10].pop()

    with pytest.raises(MoodleImportError) as refused:
        services.framework_import(data=_edit(change))

    rows_named = [int(re.match(r"Row (\d+):", error).group(1)) for error in refused.value.errors]
    assert rows_named == [5, 11, 31]
    assert_nothing_saved()


def test_an_existing_id_number_is_refused_and_the_first_import_kept():
    services.framework_import(data=example_bytes())

    with pytest.raises(MoodleImportError) as refused:
        services.framework_import(data=example_bytes())

    assert refused.value.errors == ["A framework with the ID number OECD-CORE already exists."]
    assert CompetencyFramework.objects.count() == 1
    assert Competency.objects.count() == 64


# Management commands


def test_import_framework_command_imports_and_summarises(tmp_path):
    out = io.StringIO()
    rules_path = tmp_path / "OECD-CORE.rules.json"
    rules_path.write_text(example_rules())

    call_command("import_framework", str(EXAMPLE), "--rules", str(rules_path), stdout=out)

    output = out.getvalue()
    assert "Framework: OECD-CORE – OECD" in output
    assert "Scale: 1 Not yet competent; 2 Competent (proficient) (default)" in output
    assert "Competencies: 64" in output
    for depth, count in {1: 2, 2: 8, 3: 15, 4: 39}.items():
        assert f"at depth {depth}: {count}" in output
    assert "Imported OECD-CORE, published as version 1." in output
    assert CompetencyFramework.objects.get().competencies.count() == 64


def test_import_framework_dry_run_saves_nothing():
    out = io.StringIO()

    call_command("import_framework", str(EXAMPLE), "--dry-run", stdout=out)

    assert "Competencies: 64" in out.getvalue()
    assert "Dry run: nothing was saved." in out.getvalue()
    assert_nothing_saved()


def test_import_framework_command_lists_errors_and_saves_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(_edit(_set(5, 0, "no-such-domain")))
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_framework", str(path), stderr=err)

    assert "Row 5: The parent code no-such-domain of level-2" in err.getvalue()
    assert_nothing_saved()


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_import_framework_command_refuses_an_existing_id_number(dry_run):
    call_command("import_framework", str(EXAMPLE), stdout=io.StringIO())
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_framework", str(EXAMPLE), *dry_run, stdout=io.StringIO(), stderr=err)

    assert "already exists" in err.getvalue()
    assert CompetencyFramework.objects.count() == 1


def test_import_framework_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_framework", str(tmp_path / "missing.csv"))


def test_export_framework_command_writes_a_file(tmp_path):
    services.framework_import(data=example_bytes())
    path = tmp_path / "out.csv"

    call_command("export_framework", "OECD-CORE", "--output", str(path), stdout=io.StringIO())

    data = path.read_bytes()
    assert b"\r\n" in data  # inside descriptions, as imported
    assert without_rows(parse_framework_csv(data)) == without_rows(
        parse_framework_csv(example_bytes())
    )


def test_export_framework_command_writes_to_stdout():
    framework = services.framework_import(data=example_bytes())
    out = io.StringIO()

    call_command("export_framework", "OECD-CORE", stdout=out)

    assert out.getvalue() == write_framework_csv(framework)


def test_export_framework_command_names_an_unknown_id_number():
    with pytest.raises(CommandError, match="NO-SUCH-FRAMEWORK"):
        call_command("export_framework", "NO-SUCH-FRAMEWORK", stdout=io.StringIO())


# Admin import with preview


def _upload(client, data: bytes, name: str = "framework.csv", rules: str | None = None):
    files = {"file": SimpleUploadedFile(name, data, "text/csv")}
    if rules is not None:
        files["rules_file"] = SimpleUploadedFile(
            "framework.rules.json", rules.encode(), "application/json"
        )
    return client.post(IMPORT_URL, files)


def _payload(response) -> str:
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)


def test_a_trainer_previews_then_confirms_an_import(client, trainer):
    client.force_login(trainer)
    assert "Import framework (Moodle CSV)" in client.get("/admin/").content.decode()
    assert 'type="file"' in client.get(IMPORT_URL).content.decode()

    preview = _upload(client, example_bytes())

    page = preview.content.decode()
    assert preview.status_code == 200
    assert page.count("data-competency-row") == 64
    assert "OECD (OECD-CORE)" in page
    assert "Competent <strong>(proficient)</strong> (default)" in page
    assert "Confirm import" in page
    assert "Cancel" in page
    assert_nothing_saved()

    confirmed = client.post(IMPORT_URL, {"payload": _payload(preview)})

    framework = CompetencyFramework.objects.get()
    assert confirmed.status_code == 302
    assert confirmed.url == reverse(
        "wagtailsnippets_curriculum_competencyframework:edit", args=[framework.pk]
    )
    assert framework.competencies.count() == 64
    assert not framework.live  # trainers' changes go to a reviewer
    edit = client.get(confirmed.url)
    assert edit.status_code == 200
    assert "Imported OECD (OECD-CORE) with 64 competencies" in edit.content.decode()


def test_a_superuser_import_is_published(client):
    client.force_login(
        User.objects.create_superuser(email="admin@example.org", full_name="Admin", password="x")
    )

    preview = _upload(client, example_bytes(), rules=example_rules())
    assert "Competent <strong>(proficient)</strong> (default): Shown in practice." in (
        preview.content.decode()
    )
    client.post(IMPORT_URL, {"payload": _payload(preview)})

    assert CompetencyFramework.objects.get().live


def test_a_tampered_preview_is_refused(client, trainer):
    client.force_login(trainer)
    payload = _payload(_upload(client, example_bytes()))
    tampered = payload[:-5] + ("AAAAA" if not payload.endswith("AAAAA") else "BBBBB")

    response = client.post(IMPORT_URL, {"payload": tampered})

    assert response.status_code == 200
    assert "could not be verified" in response.content.decode()
    assert_nothing_saved()


def test_a_preview_signed_for_someone_else_is_refused(client, trainer):
    client.force_login(trainer)
    payload = _payload(_upload(client, example_bytes()))
    other = UserFactory()
    other.groups.add(Group.objects.get(name=TRAINERS_GROUP))
    client.force_login(other)

    response = client.post(IMPORT_URL, {"payload": payload})

    assert "could not be verified" in response.content.decode()
    assert_nothing_saved()


def test_a_bad_file_shows_every_error(client, trainer):
    client.force_login(trainer)

    def change(rows):
        rows[4][0] = "no-such-domain"
        rows[10][10] = "NOT-THERE"

    response = _upload(client, _edit(change))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Row 5: The parent code no-such-domain of level-2 is not in this framework." in page
    assert "Row 11: interpersonal cross-references NOT-THERE" in page
    assert "data-competency-row" not in page
    assert_nothing_saved()


def test_an_existing_framework_is_refused_before_the_preview(client, trainer):
    services.framework_import(data=example_bytes())
    client.force_login(trainer)

    response = _upload(client, example_bytes())

    assert "A framework with the ID number OECD-CORE already exists." in response.content.decode()
    assert CompetencyFramework.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [("framework.xlsx", 100, "Choose a .csv file."), ("big.csv", 5 * 1024 * 1024 + 1, "5 MB")],
)
def test_the_upload_must_be_a_csv_of_at_most_5_mb(client, trainer, name, size, message):
    client.force_login(trainer)

    response = _upload(client, b"x" * size, name=name)

    assert message in response.content.decode()
    assert_nothing_saved()


def test_people_without_admin_access_are_refused(client, link_worker):
    client.force_login(link_worker)

    get = client.get(IMPORT_URL)
    post = _upload(client, example_bytes())

    assert get.status_code == post.status_code == 302
    assert get.url.startswith(reverse("wagtailadmin_login"))
    assert_nothing_saved()


def test_admin_users_who_may_not_add_frameworks_are_refused(client, admin_only_user, trainer):
    client.force_login(trainer)
    payload = _payload(_upload(client, example_bytes()))
    client.force_login(admin_only_user)

    assert "Import framework (Moodle CSV)" not in client.get("/admin/").content.decode()
    get = client.get(IMPORT_URL)
    post = client.post(IMPORT_URL, {"payload": payload})

    # Wagtail answers a forbidden admin page by sending the user back to the dashboard.
    assert (get.status_code, get.url) == (302, reverse("wagtailadmin_home"))
    assert (post.status_code, post.url) == (302, reverse("wagtailadmin_home"))
    assert_nothing_saved()


# The rules file beside Moodle's CSV


def _rules_of(framework: CompetencyFramework) -> dict:
    return {
        "caps": {cap.method.code: cap.max_level for cap in framework.method_caps.all()},
        "levels": [level.description for level in framework.scale_levels.order_by("value")],
        "competencies": {
            c.id_number: (
                sorted(m.code for m in c.required_methods.all()),
                sorted(m.code for m in c.accepted_methods.all()),
                c.refresh_months,
                c.refresh_method.code if c.refresh_method else "",
                c.assessment_criteria,
                (c.is_core, c.needed_before_unsupervised_work, c.is_retired),
                (c.advanced_descriptor, c.senior_route),
                sorted((r.framework, r.code, r.title) for r in c.national_references.all()),
            )
            for c in framework.competencies.all()
        },
    }


def test_evidence_rules_caps_refreshers_and_the_crosswalk_survive_an_export_and_import(tmp_path):
    for code in ("KT", "SIM", "DOP", "ELC"):
        services.assessment_method_ensure(code=code, name=f"Method {code}")
    original = services.framework_create(
        id_number="RT-1",
        short_name="Round trip",
        scale=[
            ScaleLevelData(1, "Aware", description="Knows of it."),
            ScaleLevelData(2, "Developing", description="Does it with help."),
            ScaleLevelData(3, "Proficient", is_proficient=True, description="Does it alone."),
        ],
        competencies=[
            {"id_number": "SAF", "short_name": "Safety"},
            {
                "id_number": "SAF-02",
                "parent_id_number": "SAF",
                "short_name": "Suicidal thoughts",
                "required_methods": ["SIM", "KT"],
                "assessment_criteria": "Asks directly.\nKnows the crisis line.",
                "advanced_descriptor": "Leads the team's practice in suicide prevention.",
                "senior_route": "Lead link worker",
                "national_references": ["ST0958:K2", "NHSE_B1569:Core competencies"],
                "is_core": True,
                "needed_before_unsupervised_work": True,
            },
            {
                "id_number": "SAF-03",
                "parent_id_number": "SAF",
                "short_name": "Information governance",
                "accepted_methods": ["DOP", "SIM"],
                "refresh_months": 12,
                "refresh_method": "ELC",
                "is_retired": True,
            },
        ],
        method_caps={"ELC": 1, "KT": 2},
        national_references=[
            {"framework": "ST0958", "code": "K2", "title": "Causes of ill-health"},
            {"framework": "NHSE_B1569", "code": "Core competencies", "title": "Core skills"},
        ],
    )
    before = _rules_of(original)
    exported = selectors.framework_for_export(id_number="RT-1", with_rules=True)
    with zipfile.ZipFile(io.BytesIO(write_framework_zip(exported))) as archive:
        assert archive.namelist() == ["RT-1.csv", "RT-1.rules.json"]
        csv_text = archive.read("RT-1.csv").decode()
        rules_text = archive.read("RT-1.rules.json").decode()
    # Moodle's own file is exactly what the CSV export writes: nothing of ours in its columns.
    assert csv_text == write_framework_csv(exported)
    assert "SIM" not in csv_text
    csv_path, rules_path = tmp_path / "rt.csv", tmp_path / "rt.rules.json"
    csv_path.write_text(csv_text.replace("RT-1", "RT-2"))
    rules_path.write_text(rules_text.replace("RT-1", "RT-2"))
    # The references travel in the rules file: an installation without them gets them from it.
    NationalReference.objects.all().delete()

    call_command(
        "import_framework", str(csv_path), "--rules", str(rules_path), stdout=io.StringIO()
    )

    imported = CompetencyFramework.objects.get(id_number="RT-2")
    assert imported.live
    assert _rules_of(imported) == before
    assert before["competencies"]["SAF-02"][-1] == [
        ("NHSE_B1569", "Core competencies", "Core skills"),
        ("ST0958", "K2", "Causes of ill-health"),
    ]
    assert _rules_of(imported)["competencies"]["SAF-02"][0] == ["KT", "SIM"]


def test_the_export_command_writes_the_rules_file_beside_the_csv(tmp_path):
    services.framework_import(data=example_bytes(), rules_data=example_rules())
    csv_path, rules_path = tmp_path / "oecd.csv", tmp_path / "oecd.rules.json"

    call_command(
        "export_framework",
        "OECD-CORE",
        "--output",
        str(csv_path),
        "--rules",
        str(rules_path),
        stdout=io.StringIO(),
    )

    assert parse_framework_csv(csv_path.read_bytes()) == parse_framework_csv(
        write_framework_csv(selectors.framework_for_export(id_number="OECD-CORE"))
    )
    document = json.loads(rules_path.read_text())
    assert document["scale"][1] == {
        "value": 2,
        "name": "Competent",
        "description": "Shown in practice.",
    }
    assert len(document["competencies"]) == 64


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda doc: doc.update(framework="OTHER"),
            "Rules file: it is for the framework 'OTHER', but the CSV is 'OECD-CORE'.",
        ),
        (
            lambda doc: doc["competencies"].append({"id_number": "NOPE", "all_of": ["KT"]}),
            'Rules file: competency "NOPE" is not in the CSV.',
        ),
        (
            lambda doc: doc["scale"][0].update(name="Beginner"),
            "Rules file: scale level 1 is called 'Beginner', but 'Not yet competent' in the CSV.",
        ),
        (
            lambda doc: doc.update(method_caps={"KT": "two"}),
            'Rules file: method_caps must map method codes to levels, e.g. {"KT": 2}.',
        ),
    ],
)
def test_a_rules_file_that_does_not_fit_the_csv_is_refused(change, message):
    document = json.loads(example_rules())
    change(document)

    with pytest.raises(MoodleImportError) as refused:
        services.framework_import(data=example_bytes(), rules_data=json.dumps(document))

    assert message in refused.value.errors
    assert_nothing_saved()


def test_a_method_in_both_lists_of_the_rules_file_is_refused():
    services.assessment_method_ensure(code="KT", name="Knowledge test")
    document = json.loads(example_rules())
    code = competency_rows(example_rows())[0][1]
    document["competencies"] = [{"id_number": code, "all_of": ["KT"], "any_of": ["KT"]}]

    with pytest.raises(MoodleImportError) as refused:
        services.framework_import(data=example_bytes(), rules_data=json.dumps(document))

    assert any("KT cannot be both" in error for error in refused.value.errors)
    assert_nothing_saved()


def test_the_admin_exports_the_published_framework_as_a_zip_of_csv_and_rules(client, trainer):
    framework = services.framework_import(data=example_bytes(), rules_data=example_rules())
    client.force_login(trainer)
    listing = client.get("/admin/snippets/curriculum/competencyframework/").content.decode()
    url = f"/admin/frameworks/{framework.pk}/export/"
    assert url in listing

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="OECD-CORE.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        csv_text = archive.read("OECD-CORE.csv").decode()
        rules = json.loads(archive.read("OECD-CORE.rules.json"))
    exported = without_rows(parse_framework_csv(csv_text))
    assert exported == without_rows(parse_framework_csv(example_bytes()))
    assert rules["scale"][0]["description"] == "Not yet shown."


def test_someone_without_the_admin_cannot_export(client, link_worker):
    framework = services.framework_import(data=example_bytes(), rules_data=example_rules())
    client.force_login(link_worker)

    response = client.get(f"/admin/frameworks/{framework.pk}/export/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
