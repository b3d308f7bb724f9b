"""The shape of the content files, as pydantic models: one per table a trainer writes."""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from .markdown import MarkdownError, render_markdown


def _plain(max_length: int | None = None, *, required: bool = True):
    """Plain text: a long value may be wrapped over lines in the file; it reads as one line."""

    def check(value: str) -> str:
        value = " ".join(value.split())
        if required and not value:
            raise ValueError("must not be empty")
        if max_length is not None and len(value) > max_length:
            raise ValueError(f"is {len(value)} characters long; at most {max_length} fit")
        return value

    return Annotated[str, AfterValidator(check)]


def _markdown(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    try:
        render_markdown(value)
    except MarkdownError as error:
        raise ValueError(str(error)) from None
    return value


def _url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be a web address starting https://")
    return value


Text = _plain()
OptionalText = _plain(required=False)
Markdown = Annotated[str, AfterValidator(_markdown)]
Code = Annotated[str, Field(pattern=r"^[A-Z0-9][A-Za-z0-9-]*$", max_length=100)]
EditionNumber = Annotated[int, Field(ge=1)]


class _Table(BaseModel):
    # A misspelt key is an error, not silently ignored text.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Change(_Table):
    """One correction or addition: the text as it was in the edition before, and as it is now."""

    edition: Annotated[int, Field(ge=2)]
    summary: _plain(300)
    sources: list[Text] = Field(min_length=1)
    was: str = ""
    now: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _changes_something(self):
        if self.was.strip() == self.now.strip():
            raise ValueError("`was` and `now` are the same text: nothing changes")
        return self


class _Versioned(_Table):
    edition: EditionNumber = 1


# Module files


class RichText(_Versioned):
    type: Literal["rich_text"]
    text: Markdown


class KeyPoints(_Versioned):
    type: Literal["key_points"]
    heading: _plain(120) = "Key points"
    points: list[_plain(400)] = Field(min_length=1)


class CaseStudy(_Versioned):
    type: Literal["case_study"]
    title: _plain(160)
    scenario: Markdown
    what_happened: Markdown
    learning: Markdown | None = None


class ReflectiveQuestion(_Versioned):
    type: Literal["reflective_question"]
    question: Text
    prompt: OptionalText = ""


class ReadingItem(_Versioned):
    title: _plain(200)
    publisher: _plain(160, required=False) = ""
    url: Annotated[str, AfterValidator(_url)] | None = None
    # The block has no field of its own for it: shown after the publisher.
    year: _plain(30, required=False) = ""


class FurtherReading(_Versioned):
    type: Literal["further_reading"]
    items: list[ReadingItem] = Field(min_length=1)


Block = Annotated[
    RichText | KeyPoints | CaseStudy | ReflectiveQuestion | FurtherReading,
    Field(discriminator="type"),
]
BLOCK_TYPES = ("rich_text", "key_points", "case_study", "reflective_question", "further_reading")


class ModuleFile(_Table):
    """modules/<code>.toml: a module page, its teaching content and its corrections."""

    code: Code
    title: _plain(255)
    summary: _plain(300)
    study_hours: Annotated[int, Field(ge=1, le=1000)]
    needed_before_unsupervised_work: bool
    learning_outcomes: list[Text] = Field(min_length=1)
    competencies: list[Code] = Field(min_length=1)
    body: list[Block] = Field(min_length=1)
    changes: list[Change] = []


# framework.toml


class Edition(_Table):
    edition: EditionNumber
    version_label: _plain(20)


class Curriculum(_Table):
    title: _plain(255)
    introduction: Markdown


class ScaleLevel(_Table):
    value: Annotated[int, Field(ge=1)]
    name: _plain(100)
    description: _plain(255)
    proficient: bool


class Method(_Table):
    code: Code
    name: _plain(100)
    description: OptionalText = ""


class Refresh(_Table):
    months: Annotated[int, Field(ge=1, le=120)]
    method: Code


class CompetencyEntry(_Table):
    code: Code
    title: _plain(255)
    description: Markdown
    assessment_criteria: list[Text] = Field(min_length=1)
    all_of: list[Code] = []
    any_of: list[Code] = []
    refresh: Refresh | None = None
    core: bool
    milestone: bool = False
    advanced_descriptor: OptionalText = ""
    senior_route: _plain(255, required=False) = ""
    national_references: list[Text] = []
    edition: EditionNumber = 1
    core_from_edition: Annotated[int, Field(ge=2)] | None = None

    @model_validator(mode="after")
    def _core_later(self):
        if self.core_from_edition is not None:
            if not self.core:
                raise ValueError("core_from_edition is set but core is false")
            if self.core_from_edition <= self.edition:
                raise ValueError("core_from_edition must be after the edition it first appears in")
        return self


class Domain(_Table):
    code: Code
    module: Code
    title: _plain(255)
    summary: _plain(300)
    competencies: list[CompetencyEntry] = Field(min_length=1)


class NationalReference(_Table):
    framework: Text
    code: Text
    title: _plain(255)


class FrameworkFile(_Table):
    """framework.toml: the framework, its scale and methods, the editions and the curriculum."""

    id_number: Code
    short_name: _plain(255)
    taxonomies: OptionalText = ""
    description: Markdown
    method_caps: dict[str, Annotated[int, Field(ge=1)]] = {}
    editions: list[Edition] = Field(min_length=1)
    curriculum: Curriculum
    scale: list[ScaleLevel] = Field(min_length=1)
    methods: list[Method] = Field(min_length=1)
    domains: list[Domain] = Field(min_length=1)
    national_references: list[NationalReference] = []
    changes: list[Change] = []

    @property
    def competencies(self) -> list[CompetencyEntry]:
        return [item for domain in self.domains for item in domain.competencies]
