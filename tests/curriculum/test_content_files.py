"""The curriculum as data: the content files' schema, their Markdown, the demo loader built on
them, and the editions it publishes."""

import tomllib
from pathlib import Path

import pytest
from wagtail.models import ModelLogEntry, PageLogEntry, Revision

from curriculum import demo
from curriculum.content_files import (
    CONTENT_DIR,
    EDITION_ACTION,
    Content,
    ContentError,
    MarkdownError,
    read_content,
    render_markdown,
)
from curriculum.models import Competency, CompetencyFramework, CurriculumPage, ModulePage
from workforce.models import User

MODULE_FILES = sorted((CONTENT_DIR / "modules").glob("*.toml"))


def _text_fields(node):
    """Every string of a parsed file, outside its [[changes]]."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "changes":
                yield from _text_fields(value)
    elif isinstance(node, list):
        for value in node:
            yield from _text_fields(value)
    elif isinstance(node, str):
        yield node


# The real files


def test_the_content_files_pass_their_schema():
    content = read_content()

    framework = content.latest.framework
    assert [edition.number for edition in content.editions] == list(
        range(1, len(framework.editions) + 1)
    )
    assert {f"{module.code.lower()}.toml" for module in content.latest.modules} == {
        path.name for path in MODULE_FILES
    }
    assert [module.code for module in content.latest.modules] == [
        domain.module for domain in framework.domains
    ]
    for module in content.latest.modules:
        domain = next(domain for domain in framework.domains if domain.module == module.code)
        assert module.competencies == [item.code for item in domain.competencies]


@pytest.mark.parametrize("path", [CONTENT_DIR / "framework.toml", *MODULE_FILES], ids=str)
def test_every_change_is_found_once_and_undoing_it_gives_different_text(path):
    raw = tomllib.loads(path.read_text())
    content = read_content()
    code = raw.get("code")

    for change in raw.get("changes", []):
        assert sum(text.count(change["now"]) for text in _text_fields(raw)) == 1, change["summary"]
        before, after = content.editions[change["edition"] - 2 : change["edition"]]
        if code is None:
            assert before.framework != after.framework, change["summary"]
        else:
            assert before.module(code) != after.module(code), change["summary"]


@pytest.mark.parametrize("path", MODULE_FILES, ids=lambda path: path.name)
def test_a_module_file_reads_like_a_document(path):
    text = path.read_text()

    # Prose is Markdown, not HTML.
    assert "<p>" not in text
    assert "</li>" not in text
    assert "\n### " in text


# Markdown


def test_markdown_renders_the_rich_text_the_pages_allow():
    html = render_markdown(
        "### Heading\n\nA *wrapped*\n**paragraph** with [a link](https://example.org).\n\n"
        "#### Smaller\n\n- one\n- two\n\n1. first\n2. second"
    )

    assert html == (
        "<h3>Heading</h3>\n"
        "<p>A <em>wrapped</em> <strong>paragraph</strong> with "
        '<a href="https://example.org">a link</a>.</p>\n'
        "<h4>Smaller</h4>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"
    )


@pytest.mark.parametrize(
    ("markdown", "named"),
    [
        ("# Title", "level-1 heading"),
        ("## Section", "level-2 heading"),
        ("##### Deep", "level-5 heading"),
        ("![A photo](photo.jpg)", "an image"),
        ("<div>Raw</div>", "raw HTML"),
        ("Some <b>bold</b> text", "raw HTML"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a table"),
        ("Run `this`", "code"),
        ("    indented code", "a code block"),
        ("> A quote", "a block quote"),
        ("Above\n\n---\n\nBelow", "a horizontal rule"),
        ("Line one  \nline two", "hard line break"),
    ],
)
def test_markdown_the_pages_cannot_show_is_refused(markdown, named):
    with pytest.raises(MarkdownError, match=named):
        render_markdown(markdown)


# A small content folder of the tests' own

FRAMEWORK = '''\
id_number = "TEST-CORE"
short_name = "Test competencies"
taxonomies = "domain,competency"
description = """
The framework's **description**.
"""
method_caps = { KT = 2 }

[[editions]]
edition = 1
version_label = "2030.1"

[[editions]]
edition = 2
version_label = "2030.2"

[curriculum]
title = "Test curriculum"
introduction = """
An introduction.
"""

[[scale]]
value = 1
name = "Developing"
description = "With supervision."
proficient = false

[[scale]]
value = 2
name = "Proficient"
description = "Independently."
proficient = true

[[methods]]
code = "KT"
name = "Knowledge test"
description = "Questions."

[[methods]]
code = "DOP"
name = "Direct observation"
description = """
An assessor
watches."""

[[domains]]
code = "T-ROL"
module = "ROL"
title = "Role"
summary = "The role."

[[domains.competencies]]
code = "T-ROL-01"
title = "Explains the role"
description = """
Explains the role in plain words.
"""
assessment_criteria = ["Says what the role is.", "Says what it is not."]
any_of = ["DOP"]
core = true
milestone = true

[[domains.competencies]]
code = "T-ROL-02"
title = "Knows neighbouring roles"
description = "Knows them."
assessment_criteria = ["Names them."]
all_of = ["KT"]
core = true

[[domains]]
code = "T-REF"
module = "REF"
title = "Referral"
summary = "Referrals."

[[domains.competencies]]
code = "T-REF-01"
title = "Handles referrals"
description = "Handles them."
assessment_criteria = ["Records them."]
any_of = ["DOP"]
refresh = { months = 12, method = "KT" }
core = false
'''

MODULE = '''\
code = "{code}"
title = "{title}"
summary = "What the module is about."
study_hours = 4
needed_before_unsupervised_work = true
learning_outcomes = ["Explain the role."]
competencies = [{competencies}]

[[body]]
type = "rich_text"
text = """
### What the role is

The link worker books a professional interpreter
rather than relying on family.
"""

[[body]]
type = "key_points"
heading = "Key points"
points = ["You are not an interpreter."]

[[body]]
type = "case_study"
title = "Nasrin"
scenario = """
Nasrin asks for help.
"""
what_happened = """
The link worker helps.
"""

[[body]]
type = "reflective_question"
question = "How do you explain your role?"

[[body]]
type = "further_reading"

[[body.items]]
title = "Workforce development framework"
publisher = "NHS England"
year = "2023"
'''


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A framework with domains ROL (2 competencies) and REF (1), and a file for each module."""
    directory = tmp_path / "content"
    (directory / "modules").mkdir(parents=True)
    (directory / "framework.toml").write_text(FRAMEWORK)
    for code, title, competencies in (
        ("ROL", "Role", '"T-ROL-01", "T-ROL-02"'),
        ("REF", "Referral", '"T-REF-01"'),
    ):
        (directory / "modules" / f"{code.lower()}.toml").write_text(
            MODULE.format(code=code, title=title, competencies=competencies)
        )
    return directory


def _edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def _append(directory: Path, name: str, text: str) -> None:
    path = directory / name
    path.write_text(path.read_text() + text)


def _errors(directory: Path) -> str:
    with pytest.raises(ContentError) as raised:
        read_content(directory)
    return "\n".join(raised.value.errors)


def test_the_tests_content_folder_is_sound(content_dir):
    content = read_content(content_dir)

    assert [module.code for module in content.latest.modules] == ["ROL", "REF"]
    assert content.latest.framework.methods[1].description == "An assessor watches."


FAULTS = {
    "not TOML": ("modules/rol.toml", "study_hours = 4", "study_hours = ", ["not valid TOML"]),
    "missing field": (
        "modules/rol.toml",
        'title = "Role"\n',
        "",
        ["modules/rol.toml: title: missing"],
    ),
    "misspelt field": (
        "modules/rol.toml",
        "study_hours = 4",
        "study_hour = 4",
        ["modules/rol.toml: study_hour: not a field here", "study_hours: missing"],
    ),
    "wrong type": (
        "modules/rol.toml",
        "study_hours = 4",
        'study_hours = "four"',
        ["modules/rol.toml: study_hours: Input should be a valid integer"],
    ),
    "unknown block type": (
        "modules/rol.toml",
        'type = "reflective_question"',
        'type = "quiz"',
        ["modules/rol.toml: body #4", "'quiz'"],
    ),
    "refused Markdown": (
        "modules/rol.toml",
        "Nasrin asks for help.",
        '<img src="x.png">',
        ["modules/rol.toml: body #3 (case_study) > scenario: Markdown not allowed here: raw HTML"],
    ),
    "refused heading": (
        "modules/rol.toml",
        "### What the role is",
        "# What the role is",
        ["modules/rol.toml: body #1 (rich_text) > text: Markdown not allowed here: a level-1"],
    ),
    "empty plain text": (
        "modules/rol.toml",
        'heading = "Key points"',
        'heading = "  "',
        ["modules/rol.toml: body #2 (key_points) > heading: must not be empty"],
    ),
    "bad reading link": (
        "modules/rol.toml",
        'year = "2023"',
        'url = "www.england.nhs.uk"',
        ["modules/rol.toml: body #5 (further_reading) > items #1 > url: must be a web address"],
    ),
    "competency not in the framework": (
        "modules/rol.toml",
        '"T-ROL-02"]',
        '"T-ROL-02", "T-ROL-09"]',
        ["modules/rol.toml: competencies: T-ROL-09 is not in framework.toml"],
    ),
    "competency of another module": (
        "modules/rol.toml",
        '"T-ROL-02"]',
        '"T-ROL-02", "T-REF-01"]',
        ["modules/rol.toml: competencies: T-REF-01 belongs to domain T-REF"],
    ),
    "competency left out": (
        "modules/rol.toml",
        ', "T-ROL-02"]',
        "]",
        ["modules/rol.toml: competencies: T-ROL-02 of domain T-ROL missing"],
    ),
    "competencies out of order": (
        "modules/rol.toml",
        '["T-ROL-01", "T-ROL-02"]',
        '["T-ROL-02", "T-ROL-01"]',
        ["modules/rol.toml: competencies: not in the order of domain T-ROL"],
    ),
    "competency listed twice": (
        "modules/rol.toml",
        '["T-ROL-01", "T-ROL-02"]',
        '["T-ROL-01", "T-ROL-02", "T-ROL-01"]',
        ["modules/rol.toml: competencies: T-ROL-01 listed more than once"],
    ),
    "code used twice": (
        "framework.toml",
        'code = "T-ROL-02"',
        'code = "T-ROL-01"',
        ["framework.toml: competencies: T-ROL-01 used more than once"],
    ),
    "unknown method": (
        "framework.toml",
        'all_of = ["KT"]',
        'all_of = ["QUIZ"]',
        ["framework.toml: T-ROL-02: method QUIZ is not in [[methods]]"],
    ),
    "unknown capped method": (
        "framework.toml",
        "method_caps = { KT = 2 }",
        "method_caps = { ELC = 1 }",
        ["framework.toml: method_caps: ELC is not in [[methods]]"],
    ),
    "competency field": (
        "framework.toml",
        "core = true\nmilestone = true",
        'core = "perhaps"\nmilestone = true',
        ["framework.toml: domains #1 (T-ROL) > competencies #1 (T-ROL-01) > core"],
    ),
    "core later but not core": (
        "framework.toml",
        "core = true\nmilestone = true",
        "core = false\ncore_from_edition = 2\nmilestone = true",
        ["framework.toml: domains #1 (T-ROL) > competencies #1 (T-ROL-01)", "core is false"],
    ),
    "edition not listed": (
        "framework.toml",
        'code = "T-ROL-02"',
        'code = "T-ROL-02"\nedition = 7',
        [
            "framework.toml: domains #1 (T-ROL) > competencies #2 (T-ROL-02) > edition: "
            "edition 7 is not in framework.toml's [[editions]]"
        ],
    ),
    "editions out of order": (
        "framework.toml",
        "edition = 2\n",
        "edition = 3\n",
        ["framework.toml: editions: numbered [1, 3]"],
    ),
    "domain without a module file": (
        "framework.toml",
        'module = "REF"',
        'module = "REX"',
        ["no file modules/rex.toml for module REX", "modules/ref.toml: code: no domain"],
    ),
}


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_a_fault_in_a_file_is_named_with_its_file_and_field(content_dir, fault):
    name, old, new, expected = FAULTS[fault]
    _edit(content_dir, name, old, new)

    errors = _errors(content_dir)

    for fragment in expected:
        assert fragment in errors


def _change(edition=2, was="x", now="", summary="A test change", sources='["A source"]') -> str:
    return (
        f'\n[[changes]]\nedition = {edition}\nsummary = "{summary}"\nsources = {sources}\n'
        f'was = """{was}"""\nnow = """{now}"""\n'
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_change(now="not in the file at all"), "is found 0 times"),
        (_change(now="role"), "times in the file's text"),
        (_change(now="a professional interpreter\nrather"), ""),
        (_change(edition=3, now="rather than relying on family."), "edition 3 is not in"),
        (_change(was="relying", now="relying"), "nothing changes"),
        (_change(now="rather than relying on family.", sources="[]"), "sources"),
    ],
    ids=["not found", "found often", "found", "edition not listed", "no change", "no sources"],
)
def test_a_change_that_cannot_be_undone_is_refused(content_dir, change, expected):
    _append(content_dir, "modules/rol.toml", change)

    if not expected:  # the control: a change found once across a line break is accepted
        assert read_content(content_dir).editions[0].module("ROL") != (
            read_content(content_dir).editions[1].module("ROL")
        )
        return
    errors = _errors(content_dir)

    assert "modules/rol.toml: changes #1" in errors
    assert expected in errors


def test_a_block_new_in_an_edition_needs_a_change_saying_why(content_dir):
    _append(
        content_dir,
        "modules/rol.toml",
        '\n[[body]]\ntype = "rich_text"\nedition = 2\ntext = "A new passage."\n',
    )

    assert "modules/rol.toml: body #6 (rich_text): edition 2 has no [[changes]] entry" in (
        _errors(content_dir)
    )


# Editions


def _second_edition(directory: Path) -> None:
    """Edition 2: a corrected sentence, a new block, a new competency and one made core."""
    _edit(directory, "modules/rol.toml", "rather than relying on family.", "and records it.")
    _edit(directory, "modules/rol.toml", '"T-ROL-02"]', '"T-ROL-02", "T-ROL-03"]')
    _edit(
        directory,
        "modules/rol.toml",
        'points = ["You are not an interpreter."]',
        'points = ["You are not an interpreter.", "Agree one job title."]',
    )
    _append(
        directory,
        "modules/rol.toml",
        '\n[[body]]\ntype = "rich_text"\nedition = 2\ntext = """\n### One local job title\n\n'
        'Agree one title with your practices.\n"""\n'
        + _change(
            was="rather than relying on family.",
            now="and records it.",
            summary="Interpreting: record the offer",
            sources='["NHS England, Guidance for commissioners: interpreting (2018)"]',
        )
        + _change(was="", now="Agree one job title.", summary="New: one local job title")
        + _change(was="x", now="Agree one title", summary="(a block new in edition 2)"),
    )
    _edit(directory, "framework.toml", "core = false\n", "core = true\ncore_from_edition = 2\n")
    _edit(
        directory,
        "framework.toml",
        '[[domains]]\ncode = "T-REF"',
        '[[domains.competencies]]\ncode = "T-ROL-03"\nedition = 2\ntitle = "Agrees a job title"\n'
        'description = "Agrees one."\nassessment_criteria = ["Uses it."]\nany_of = ["DOP"]\n'
        'core = false\n\n[[domains]]\ncode = "T-REF"',
    )


def test_earlier_editions_are_the_files_with_their_changes_undone(content_dir):
    _second_edition(content_dir)

    first, second = read_content(content_dir).editions

    bodies = [str([block.model_dump() for block in e.module("ROL").body]) for e in (first, second)]
    assert "rather than relying on family." in bodies[0]
    assert "and records it." not in bodies[0]
    assert "and records it." in bodies[1]
    assert "One local job title" not in bodies[0]
    assert first.module("ROL").body[1].points == ["You are not an interpreter."]
    assert len(second.module("ROL").body) == len(first.module("ROL").body) + 1
    assert first.module("ROL").competencies == ["T-ROL-01", "T-ROL-02"]
    assert second.module("ROL").competencies == ["T-ROL-01", "T-ROL-02", "T-ROL-03"]
    core = {e.number: {i.code: i.core for i in e.framework.competencies} for e in (first, second)}
    assert "T-ROL-03" not in core[1]
    assert (core[1]["T-REF-01"], core[2]["T-REF-01"]) == (False, True)
    assert [change.summary for change in second.module_changes["ROL"]][:2] == [
        "Interpreting: record the offer",
        "New: one local job title",
    ]
    assert (first.version_label, second.version_label) == ("2030.1", "2030.2")


# The demo loader


@pytest.mark.django_db
def test_the_loader_builds_the_demo_framework_and_pages_from_the_files(client, demo_curriculum):
    content = read_content().latest
    framework = CompetencyFramework.objects.get(id_number=content.framework.id_number)
    competencies = framework.competencies.exclude(parent_id_number="")

    assert demo_curriculum.title == content.framework.curriculum.title
    assert demo_curriculum.version_label == content.version_label
    assert sorted(competencies.values_list("id_number", flat=True)) == sorted(
        item.code for item in content.framework.competencies
    )
    assert competencies.filter(is_core=True).count() == sum(
        item.core for item in content.framework.competencies
    )
    milestones = competencies.filter(needed_before_unsupervised_work=True)
    assert set(milestones.values_list("id_number", flat=True)) == {
        item.code for item in content.framework.competencies if item.milestone
    }
    modules = ModulePage.objects.child_of(demo_curriculum).live()
    assert list(modules.values_list("code", flat=True)) == [m.code for m in content.modules]
    rol = modules.get(code="ROL")
    assert [row.competency.id_number for row in rol.module_competencies.all()] == (
        content.module("ROL").competencies
    )
    page = client.get("/curriculum/rol/").content.decode()
    assert "<h3>Why the name causes confusion</h3>" in page
    assert "<strong>Health and wellbeing coach</strong>" in page
    assert "How do you explain your role to someone in the first two minutes" in page


@pytest.mark.django_db
def test_loading_the_demo_again_adds_nothing(demo_curriculum):
    counts = (Revision.objects.count(), PageLogEntry.objects.count(), ModelLogEntry.objects.count())

    assert demo.load() == {"frameworks": 0, "modules": 0}
    assert (
        Revision.objects.count(),
        PageLogEntry.objects.count(),
        ModelLogEntry.objects.count(),
    ) == counts


@pytest.fixture
def second_edition(db, content_dir):
    """The tests' content, with an edition 2, loaded."""
    _second_edition(content_dir)
    content = read_content(content_dir)
    demo.load(content)
    return content


def test_a_module_history_shows_both_editions_with_what_changed(client, second_edition):
    response = client.get("/curriculum/rol/history/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Edition 1 (2030.1)" in page
    assert "Edition 2 (2030.2)" in page
    assert "Interpreting: record the offer" in page
    assert "New: one local job title" in page
    current = client.get("/curriculum/rol/").content.decode()
    assert "and records it." in current
    assert "One local job title" in current
    assert "Agree one job title." in current
    assert CurriculumPage.objects.get().version_label == "2030.2"


def test_a_module_the_edition_leaves_alone_keeps_its_one_version(client, second_edition):
    page = client.get("/curriculum/ref/history/").content.decode()

    assert "Edition 1 (2030.1)" in page
    assert "Edition 2" not in page


def test_the_framework_is_published_as_each_edition_in_turn(second_edition):
    framework = CompetencyFramework.objects.get()
    first, second = framework.versions.order_by("number")

    def snapshot(version):
        return {item["id_number"]: item for item in version.revision.content["competencies"]}

    assert "T-ROL-03" not in snapshot(first)
    assert snapshot(second)["T-ROL-03"]["parent_id_number"] == "T-ROL"
    assert (snapshot(first)["T-REF-01"]["is_core"], snapshot(second)["T-REF-01"]["is_core"]) == (
        False,
        True,
    )
    entry = ModelLogEntry.objects.filter(action=EDITION_ACTION).latest("pk")
    assert entry.data["edition"] == 2
    assert "New: T-ROL-03 Agrees a job title" in entry.data["changes"]
    assert "T-REF-01 now core" in entry.data["changes"]


def test_a_first_edition_site_is_brought_up_to_the_second_and_then_left_alone(
    client, db, content_dir
):
    _second_edition(content_dir)
    content = read_content(content_dir)
    demo.load(Content(editions=content.editions[:1]))
    assert "and records it." not in client.get("/curriculum/rol/").content.decode()

    demo.load(content)
    revisions = Revision.objects.count()
    demo.load(content)

    assert "and records it." in client.get("/curriculum/rol/").content.decode()
    assert Competency.objects.filter(id_number="T-ROL-03").exists()
    assert Revision.objects.count() == revisions


def test_the_admin_histories_name_each_edition_and_its_changes(client, second_edition):
    client.force_login(User.objects.create_superuser("admin@example.org", "test-password"))
    rol = ModulePage.objects.get(code="ROL")
    framework = CompetencyFramework.objects.get()

    page_history = client.get(f"/admin/pages/{rol.pk}/history/")
    framework_history = client.get(
        f"/admin/snippets/curriculum/competencyframework/history/{framework.pk}/"
    )

    assert page_history.status_code == 200
    assert "Edition 2 (2030.2) published: Interpreting: record the offer" in (
        page_history.content.decode()
    )
    assert framework_history.status_code == 200
    assert "New: T-ROL-03 Agrees a job title" in framework_history.content.decode()
