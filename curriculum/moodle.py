"""Moodle competency framework CSV (tool_lpimportcsv): read a file into framework data, write one.

Descriptions are HTML both ways: imported ones are cleaned into Wagtail's rich-text format (so
the admin editor can open them), exported ones are front-end HTML. What Moodle's format cannot
hold (evidence rules, method caps, refreshers, assessment criteria, level-4 descriptors, senior
routes, national framework references, the core, milestone and retired flags, scale level
descriptors) travels beside it in a rules file (JSON), so Moodle's own file
stays exactly what Moodle reads and writes; an export gives both in one zip.
"""

import csv
import heapq
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.utils.html import linebreaks
from wagtail.admin.rich_text.converters.db_html import DbHTMLConverter
from wagtail.rich_text import expand_db_html

from . import rules
from .models import Competency, CompetencyFramework, ScaleLevel
from .rules import ScaleLevelData

# Moodle 3.1's column titles, as in its own test fixture. Moodle reads columns by position, so
# files with later Moodle versions' titles import too.
HEADER = (
    "Parent id number",
    "Id number",
    "Shortname",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross referenced competency id numbers",
    "Exported id (optional)",
    "Is framework",
    "Taxonomy",
)
(
    PARENT,
    ID_NUMBER,
    SHORT_NAME,
    DESCRIPTION,
    DESCRIPTION_FORMAT,
    SCALE_VALUES,
    SCALE_CONFIGURATION,
    RULE_TYPE,
    RULE_OUTCOME,
    RULE_CONFIG,
    CROSS_REFERENCES,
    EXPORTED_ID,
    IS_FRAMEWORK,
    TAXONOMY,
) = range(len(HEADER))

FORMAT_HTML = "1"
# Moodle's FORMAT_MOODLE (0) is HTML as typed, read like HTML (1). Plain text (2) and Markdown (4)
# are escaped and put into paragraphs: Markdown's markup shows as typed.
KEPT_FORMATS = {"", "0", FORMAT_HTML}
TEXT_FORMATS = {"2", "4"}

_ROW_PREFIX = re.compile(r"^Row (\d+): ")


class MoodleImportError(ValueError):
    """A file that cannot be imported, with every problem found in it."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


@dataclass
class ParsedFramework:
    """A framework read from a file, ready for `services.framework_create`; nothing saved yet."""

    id_number: str
    short_name: str
    description: str
    taxonomies: str
    moodle_scale_id: int | None
    scale: list[ScaleLevelData]
    competencies: list[dict]
    # From a rules file beside the CSV; None when there was none.
    method_caps: dict[str, int] | None = None
    # The national framework references the competencies name (the crosswalk), from the rules
    # file: {"framework": "ST0958", "code": "K3", "title": "…"} each.
    national_references: list[dict] = field(default_factory=list)

    def create_kwargs(self) -> dict:
        return {
            "id_number": self.id_number,
            "short_name": self.short_name,
            "description": self.description,
            "taxonomies": self.taxonomies,
            "moodle_scale_id": self.moodle_scale_id,
            "scale": self.scale,
            "competencies": self.competencies,
            "method_caps": self.method_caps,
            "national_references": self.national_references,
        }

    def depths(self) -> dict[str, int]:
        """Depth of each competency by id number: 1 at the top of the tree."""
        parents = {item["id_number"]: item["parent_id_number"] for item in self.competencies}
        depths: dict[str, int] = {}
        for code in parents:
            depth, parent = 1, parents[code]
            # Parsing refused loops already; the bound only keeps a hand-made instance safe.
            while parent in parents and depth <= len(parents):
                depth, parent = depth + 1, parents[parent]
            depths[code] = depth
        return depths

    def depth_counts(self) -> dict[int, int]:
        """How many competencies sit at each depth, top first."""
        return dict(sorted(Counter(self.depths().values()).items()))


def parse_framework_csv(data: bytes | str) -> ParsedFramework:
    """Read a Moodle competency framework CSV, or raise MoodleImportError listing every problem.

    Columns are read by position. The first row is the header; row numbers in messages and in
    each competency's "row" count CSV records, so a description over several lines is one row.
    """
    text = _decode(data)
    if not text.strip():
        raise MoodleImportError(["The file is empty."])
    rows, errors = _read_rows(text)
    framework_row = None
    framework: dict = {}
    scale: list[ScaleLevelData] = []
    competencies: list[dict] = []
    for number, row in rows:
        if _is_framework(row):
            if framework_row is not None:
                errors.append(
                    f"Row {number}: A second framework row (Is framework = {row[IS_FRAMEWORK]}); "
                    f"the framework is already defined in row {framework_row}."
                )
                continue
            framework_row = number
            framework = _framework(number, row, errors)
            scale, framework["moodle_scale_id"] = _scale(number, row, errors)
        else:
            competencies.append(_competency(number, row, errors))
    if framework_row is None:
        errors.append(
            "The file has no framework row: one row needs 1 in the 'Is framework' column "
            "(column 13)."
        )
    errors += rules.tree_errors(
        rules.CompetencyData(
            id_number=item["id_number"],
            short_name=item["short_name"],
            parent_id_number=item["parent_id_number"],
            cross_references=rules.split_codes(item["cross_references"]),
            row=item["row"],
        )
        for item in competencies
    )
    if errors:
        raise MoodleImportError(sorted(errors, key=_row_of))
    return ParsedFramework(**framework, scale=scale, competencies=competencies)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        # utf-8-sig accepts the byte order mark that spreadsheet programs add.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MoodleImportError(
            [
                f"The file is not UTF-8 text (byte 0x{data[error.start]:02x} at position "
                f"{error.start} cannot be read). Save it as CSV UTF-8 and try again."
            ]
        ) from error


def _read_rows(text: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The data rows with their row numbers, and the problems with the file's shape."""
    rows, errors = [], []
    header_seen = False
    number = 0
    # newline="" hands the csv module the line endings untouched: quoted CRLFs stay in the text.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, row in enumerate(reader, start=1):
            if not row:
                continue  # a blank line
            if len(row) != len(HEADER):
                errors.append(f"Row {number}: Expected {len(HEADER)} columns, found {len(row)}.")
                # Read on as Moodle does, a missing column as empty, so other problems show too.
                row = (row + [""] * len(HEADER))[: len(HEADER)]
            if header_seen:
                rows.append((number, row))
            header_seen = True
    except csv.Error as error:
        errors.append(f"Row {number + 1}: This is not valid CSV ({error}).")
    return rows, errors


def _is_framework(row: list[str]) -> bool:
    # Moodle tests the column with PHP truthiness: "" and "0" are false, anything else true.
    return row[IS_FRAMEWORK].strip() not in {"", "0"}


def _framework(number: int, row: list[str], errors: list[str]) -> dict:
    fields = {
        "id_number": row[ID_NUMBER].strip(),
        "short_name": row[SHORT_NAME],
        "description": _description(number, row, errors, CompetencyFramework),
        "taxonomies": row[TAXONOMY],
    }
    if not fields["id_number"]:
        errors.append(f"Row {number}: The framework has no Id number.")
    if not fields["short_name"].strip():
        errors.append(f"Row {number}: The framework has no Shortname.")
    for name, column in (("id_number", ID_NUMBER), ("short_name", SHORT_NAME)):
        errors += _too_long(number, CompetencyFramework, name, column, fields[name])
    errors += _too_long(number, CompetencyFramework, "taxonomies", TAXONOMY, fields["taxonomies"])
    return fields


def _competency(number: int, row: list[str], errors: list[str]) -> dict:
    item = {
        "row": number,
        "id_number": row[ID_NUMBER].strip(),
        "parent_id_number": row[PARENT].strip(),
        "short_name": row[SHORT_NAME],
        "description": _description(number, row, errors, Competency),
        "cross_references": row[CROSS_REFERENCES],
        "rule_type": row[RULE_TYPE],
        "rule_outcome": row[RULE_OUTCOME],
        "rule_config": row[RULE_CONFIG],
    }
    if item["id_number"] and not item["short_name"].strip():
        errors.append(f"Row {number}: {item['id_number']} has no Shortname.")
    if row[SCALE_VALUES].strip() or row[SCALE_CONFIGURATION].strip():
        errors.append(
            f"Row {number}: {item['id_number']} has a rating scale of its own; only the "
            "framework's scale is supported, so leave Scale values and Scale configuration "
            "empty on competency rows."
        )
    columns = {
        "id_number": ID_NUMBER,
        "parent_id_number": PARENT,
        "short_name": SHORT_NAME,
        "cross_references": CROSS_REFERENCES,
        "rule_type": RULE_TYPE,
        "rule_outcome": RULE_OUTCOME,
    }
    for name, column in columns.items():
        errors += _too_long(number, Competency, name, column, item[name])
    return item


def _too_long(number: int, model, field_name: str, column: int, value: str) -> list[str]:
    limit = model._meta.get_field(field_name).max_length
    if len(value) <= limit:
        return []
    return [f"Row {number}: {HEADER[column]} is {len(value)} characters long; at most {limit} fit."]


def _description(number: int, row: list[str], errors: list[str], model) -> str:
    text, text_format = row[DESCRIPTION], row[DESCRIPTION_FORMAT].strip()
    if text_format in TEXT_FORMATS:
        text = linebreaks(text, autoescape=True) if text.strip() else ""
    elif text_format not in KEPT_FORMATS:
        errors.append(
            f"Row {number}: Unknown description format {text_format!r} (Moodle's are 0, 1, 2 "
            "and 4; 1 is HTML)."
        )
    return _rich_text(text, model)


def _rich_text(html: str, model) -> str:
    """HTML in the rich-text format Wagtail stores and its editor can open.

    Moodle writes HTML such as a bare <br>, which Wagtail's editor cannot load (the framework's
    edit page would fail). Wagtail's own cleaner rewrites it, keeps the text and its line endings
    as they are, and unwraps markup the editor has no feature for.
    """
    if not html.strip():
        return html
    features = model._meta.get_field("description").features
    cleaned, _removals = DbHTMLConverter(features).clean(html)
    return cleaned


def _scale(
    number: int, row: list[str], errors: list[str]
) -> tuple[list[ScaleLevelData], int | None]:
    """The framework's scale levels and Moodle scale id, from Scale values and Scale configuration.

    The configuration is Moodle's JSON: item 0 holds the scale id, later items flag scale values,
    by their 1-based position in Scale values, as default and proficient.
    """
    where = f"Row {number}: "
    names = [name.strip() for name in row[SCALE_VALUES].split(",")]
    if not row[SCALE_VALUES].strip():
        errors.append(
            f"{where}The framework has no Scale values, e.g. 'Not yet competent,Competent'."
        )
        return [], None
    try:
        configuration = json.loads(row[SCALE_CONFIGURATION])
    except json.JSONDecodeError as error:
        errors.append(f"{where}The Scale configuration is not valid JSON ({error.msg}).")
        return [], None
    example = '[{"scaleid":"2"},{"id":2,"scaledefault":1,"proficient":1}]'
    if not isinstance(configuration, list) or not configuration:
        errors.append(f"{where}The Scale configuration must be a JSON list, e.g. {example}.")
        return [], None
    head, *flags = configuration
    problems = []
    scale_id = None
    if not isinstance(head, dict) or "scaleid" not in head:
        problems.append(
            "The first item of the Scale configuration must hold the Moodle scale id, e.g. "
            '{"scaleid":"2"}.'
        )
    elif head["scaleid"] is not None:
        scale_id = _whole_number(head["scaleid"])
        if scale_id is None:
            problems.append(f"The Moodle scale id {head['scaleid']!r} is not a whole number.")
    proficient, default = set(), set()
    for item in flags:
        value = _whole_number(item.get("id")) if isinstance(item, dict) else None
        if value is None or not 1 <= value <= len(names):
            shown = json.dumps(item.get("id") if isinstance(item, dict) else item)
            problems.append(
                f"The Scale configuration refers to scale value {shown}, but the "
                f"{len(names)} Scale values are numbered 1 to {len(names)}."
            )
            continue
        if _php_true(item.get("proficient")):
            proficient.add(value)
        if _php_true(item.get("scaledefault")):
            default.add(value)
    levels = [
        ScaleLevelData(
            value=value, name=name, is_proficient=value in proficient, is_default=value in default
        )
        for value, name in enumerate(names, start=1)
    ]
    if not problems:
        problems = rules.scale_errors(levels)
    limit = ScaleLevel._meta.get_field("name").max_length
    problems += [
        f"Scale value {name!r} is {len(name)} characters long; at most {limit} fit."
        for name in names
        if len(name) > limit
    ]
    errors += [where + problem for problem in problems]
    return levels, scale_id


def _whole_number(value) -> int | None:
    """A non-negative whole number from JSON (Moodle writes ids as numbers or strings), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _php_true(value) -> bool:
    # Moodle tests the flags with PHP truthiness.
    return value not in (None, False, 0, "", "0")


def _row_of(message: str) -> int:
    match = _ROW_PREFIX.match(message)
    return int(match.group(1)) if match else 0


def tree_order(competencies) -> list[Competency]:
    """Parents before children, siblings in sort order, and otherwise as near sort order as can be.

    Keeping to sort order means a framework imported from a file that lists parents first
    exports in the file's own order, so even its exported ids match the original file's.
    """
    items = sorted(competencies, key=lambda item: (item.sort_order or 0, item.pk or 0))
    position = {id(item): index for index, item in enumerate(items)}
    codes = {item.id_number for item in items}
    children: dict[str, list[Competency]] = {}
    ready: list[tuple[int, Competency]] = []
    for item in items:
        if item.parent_id_number and item.parent_id_number in codes:
            children.setdefault(item.parent_id_number, []).append(item)
        else:
            ready.append((position[id(item)], item))
    heapq.heapify(ready)
    ordered = []
    while ready:
        # Always the earliest item whose parent is already out: the smallest such order.
        _, item = heapq.heappop(ready)
        ordered.append(item)
        for child in children.pop(item.id_number, []):
            heapq.heappush(ready, (position[id(child)], child))
    placed = {id(item) for item in ordered}
    # Only a parent loop, which the rules refuse, leaves anything behind; keep every row anyway.
    return ordered + [item for item in items if id(item) not in placed]


def write_framework_csv(framework: CompetencyFramework) -> str:
    """The framework as a Moodle competency framework CSV that Moodle's importer accepts.

    Descriptions are written as HTML (format 1), links to pages and documents as their URLs.
    Exported ids are running numbers: Moodle uses them only inside the file. Rule columns are
    written back as they were imported. Evidence rules, method caps, refreshers, core and retired
    flags, assessment criteria and scale level descriptors are not written: Moodle has no place
    for them, so they go in the rules file beside it (`write_framework_rules`).
    """
    levels = sorted(framework.scale_levels.all(), key=lambda level: level.value)
    for level in levels:
        if "," in level.name:
            raise ValueError(
                f"The scale level {level.name!r} contains a comma, which Moodle's scale values "
                "cannot hold: rename it before exporting."
            )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerow(
        [
            "",
            framework.id_number,
            framework.short_name,
            expand_db_html(framework.description),
            FORMAT_HTML,
            ",".join(level.name for level in levels),
            _scale_configuration(framework, levels),
            "",
            "",
            "",
            "",
            "",
            "1",
            framework.taxonomies,
        ]
    )
    for exported_id, competency in enumerate(tree_order(framework.competencies.all()), start=1):
        writer.writerow(
            [
                competency.parent_id_number,
                competency.id_number,
                competency.short_name,
                expand_db_html(competency.description),
                FORMAT_HTML,
                "",
                "",
                competency.rule_type,
                competency.rule_outcome,
                competency.rule_config,
                competency.cross_references,
                str(exported_id),
                "",
                "",
            ]
        )
    return out.getvalue()


def _scale_configuration(framework: CompetencyFramework, levels: list[ScaleLevel]) -> str:
    default = {level.value for level in levels if level.is_default}
    proficient = [level.value for level in levels if level.is_proficient]
    if not default and proficient:
        # Moodle refuses a scale configuration without a default value; the proficiency
        # threshold is the natural one when the framework names none.
        default = {min(proficient)}
    scale_id = None if framework.moodle_scale_id is None else str(framework.moodle_scale_id)
    items: list[dict] = [{"scaleid": scale_id}]
    items += [
        {
            "id": level.value,
            "scaledefault": int(level.value in default),
            "proficient": int(level.is_proficient),
        }
        for level in levels
        if level.value in default or level.is_proficient
    ]
    return json.dumps(items, separators=(",", ":"))


# The rules file: what Moodle's CSV has no column for, beside it.
RULES_FORMAT = "link-worker-academy/framework-rules"
RULES_VERSION = 1
_RULE_FIELDS = {
    # key in the file: (Competency field, kind)
    "all_of": ("required_methods", "codes"),
    "any_of": ("accepted_methods", "codes"),
    "refresh_months": ("refresh_months", "months"),
    "refresh_method": ("refresh_method", "code"),
    "assessment_criteria": ("assessment_criteria", "text"),
    "advanced_descriptor": ("advanced_descriptor", "text"),
    "senior_route": ("senior_route", "text"),
    "national_references": ("national_references", "codes"),
    "core": ("is_core", "flag"),
    "needed_before_unsupervised_work": ("needed_before_unsupervised_work", "flag"),
    "retired": ("is_retired", "flag"),
}


def rules_file_name(framework: CompetencyFramework) -> str:
    return f"{framework.id_number}.rules.json"


def csv_file_name(framework: CompetencyFramework) -> str:
    return f"{framework.id_number}.csv"


def write_framework_rules(framework: CompetencyFramework) -> str:
    """The rules file of a framework: evidence rules, method caps, refreshers and what else
    Moodle's CSV cannot hold, as JSON keyed by the codes the CSV uses."""
    levels = sorted(framework.scale_levels.all(), key=lambda level: level.value)
    caps = sorted(framework.method_caps.all(), key=lambda cap: (cap.sort_order or 0, cap.pk))
    competencies = []
    references = {}
    for competency in tree_order(framework.competencies.all()):
        references |= {
            reference.key: reference for reference in competency.national_references.all()
        }
        competencies.append(
            {
                "id_number": competency.id_number,
                "all_of": sorted(method.code for method in competency.required_methods.all()),
                "any_of": sorted(method.code for method in competency.accepted_methods.all()),
                "refresh_months": competency.refresh_months,
                "refresh_method": competency.refresh_method.code
                if competency.refresh_method
                else "",
                "assessment_criteria": competency.assessment_criteria,
                "advanced_descriptor": competency.advanced_descriptor,
                "senior_route": competency.senior_route,
                "national_references": sorted(
                    reference.key for reference in competency.national_references.all()
                ),
                "core": competency.is_core,
                "needed_before_unsupervised_work": competency.needed_before_unsupervised_work,
                "retired": competency.is_retired,
            }
        )
    document = {
        "format": RULES_FORMAT,
        "version": RULES_VERSION,
        "framework": framework.id_number,
        "scale": [
            {"value": level.value, "name": level.name, "description": level.description}
            for level in levels
        ],
        "method_caps": {cap.method.code: cap.max_level for cap in caps},
        "national_references": [
            {"framework": reference.framework, "code": reference.code, "title": reference.title}
            for reference in sorted(references.values(), key=lambda r: (r.framework, r.code))
        ],
        "competencies": competencies,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_framework_zip(framework: CompetencyFramework) -> bytes:
    """Moodle's CSV and the rules file beside it, in one zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(csv_file_name(framework), write_framework_csv(framework))
        archive.writestr(rules_file_name(framework), write_framework_rules(framework))
    return out.getvalue()


def parse_framework_files(data: bytes | str, rules_data: bytes | str | None) -> ParsedFramework:
    """A Moodle CSV and, when given, its rules file: both read, and every problem in either
    listed, before anything is saved."""
    parsed = parse_framework_csv(data)
    if rules_data is None:
        return parsed
    return apply_framework_rules(parsed, rules_data)


def apply_framework_rules(parsed: ParsedFramework, rules_data: bytes | str) -> ParsedFramework:
    """The framework read from the CSV, with what its rules file adds; or MoodleImportError."""
    try:
        document = json.loads(_decode(rules_data) if isinstance(rules_data, bytes) else rules_data)
    except MoodleImportError as error:
        raise MoodleImportError([f"Rules file: {message}" for message in error.errors]) from error
    except json.JSONDecodeError as error:
        raise MoodleImportError([f"Rules file: this is not valid JSON ({error.msg})."]) from error
    if not isinstance(document, dict) or document.get("format") != RULES_FORMAT:
        raise MoodleImportError(
            ["Rules file: this is not a framework rules file (as exported beside the CSV)."]
        )
    errors = []
    if document.get("version") != RULES_VERSION:
        errors.append(f"Rules file: version {document.get('version')!r} is not known here.")
    if document.get("framework") != parsed.id_number:
        errors.append(
            f"Rules file: it is for the framework {document.get('framework')!r}, but the CSV is "
            f"{parsed.id_number!r}."
        )
    scale = _rules_scale(parsed.scale, document.get("scale", []), errors)
    caps = document.get("method_caps", {})
    if not isinstance(caps, dict) or not all(
        isinstance(code, str) and _whole_number(level) is not None for code, level in caps.items()
    ):
        errors.append('Rules file: method_caps must map method codes to levels, e.g. {"KT": 2}.')
        caps = {}
    items = document.get("competencies", [])
    competencies = _rules_competencies(parsed.competencies, items, errors)
    references = _rules_references(document.get("national_references", []), errors)
    if errors:
        raise MoodleImportError(errors)
    return ParsedFramework(
        id_number=parsed.id_number,
        short_name=parsed.short_name,
        description=parsed.description,
        taxonomies=parsed.taxonomies,
        moodle_scale_id=parsed.moodle_scale_id,
        scale=scale,
        competencies=competencies,
        method_caps={code: int(level) for code, level in caps.items()},
        national_references=references,
    )


def _rules_references(items, errors: list[str]) -> list[dict]:
    """The national references defined in the rules file: framework, code and title, as text."""
    references = []
    for item in items if isinstance(items, list) else [None]:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) for key in ("framework", "code", "title")
        ):
            errors.append(f"Rules file: national reference {json.dumps(item)} is not valid.")
            continue
        references.append({key: item[key] for key in ("framework", "code", "title")})
    return references


def _rules_scale(levels: list[ScaleLevelData], items, errors: list[str]) -> list[ScaleLevelData]:
    by_value = {level.value: level for level in levels}
    described = {}
    for item in items if isinstance(items, list) else [None]:
        if not isinstance(item, dict) or item.get("value") not in by_value:
            errors.append(f"Rules file: scale level {json.dumps(item)} is not on the CSV's scale.")
            continue
        level = by_value[item["value"]]
        if item.get("name") != level.name:
            errors.append(
                f"Rules file: scale level {level.value} is called {item.get('name')!r}, but "
                f"{level.name!r} in the CSV."
            )
        if not isinstance(item.get("description", ""), str):
            errors.append(f"Rules file: the descriptor of scale level {level.value} is not text.")
            continue
        described[level.value] = item.get("description", "")
    return [
        ScaleLevelData(
            value=level.value,
            name=level.name,
            is_proficient=level.is_proficient,
            is_default=level.is_default,
            description=described.get(level.value, level.description),
        )
        for level in levels
    ]


def _rules_competencies(competencies: list[dict], items, errors: list[str]) -> list[dict]:
    by_code = {item["id_number"]: dict(item) for item in competencies}
    for item in items if isinstance(items, list) else [None]:
        code = item.get("id_number") if isinstance(item, dict) else None
        if code not in by_code:
            errors.append(f"Rules file: competency {json.dumps(code)} is not in the CSV.")
            continue
        target = by_code[code]
        for key, (field_name, kind) in _RULE_FIELDS.items():
            if key not in item:
                continue
            value = item[key]
            if (
                kind == "codes"
                and isinstance(value, list)
                and all(isinstance(v, str) for v in value)
            ):
                target[field_name] = list(value)
            elif kind == "months" and (value is None or _whole_number(value) is not None):
                target[field_name] = None if value is None else int(value)
            elif (kind in {"code", "text"} and isinstance(value, str)) or (
                kind == "flag" and isinstance(value, bool)
            ):
                target[field_name] = value
            else:
                errors.append(f"Rules file: {code}: {key} {json.dumps(value)} is not valid.")
    return [by_code[item["id_number"]] for item in competencies]
