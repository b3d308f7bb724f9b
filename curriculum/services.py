"""Writes about the curriculum: frameworks built in code or imported, and version records."""

from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.log_actions import get_active_log_context, log
from wagtail.models import Revision

from workforce.models import User

from . import rules
from .models import (
    AssessmentMethod,
    Competency,
    CompetencyFramework,
    CurriculumVersion,
    MethodCap,
    ScaleLevel,
)
from .moodle import MoodleImportError, parse_framework_files
from .selectors import framework_id_number_taken


@transaction.atomic
def framework_version_record(
    *, framework: CompetencyFramework, revision: Revision, user: User | None = None
) -> CurriculumVersion:
    """Number a newly published framework revision; assessments will point at it."""
    existing = CurriculumVersion.objects.filter(revision=revision).first()
    if existing is not None:
        return existing
    # Lock the framework row so two publishes cannot take the same number.
    CompetencyFramework.objects.select_for_update().filter(pk=framework.pk).first()
    last = framework.versions.aggregate(last=Max("number"))["last"] or 0
    user = user or get_active_log_context().user
    version = CurriculumVersion.objects.create(
        framework=framework,
        number=last + 1,
        revision=revision,
        published_at=timezone.now(),
        published_by=user if user is not None and user.is_authenticated else None,
    )
    log(
        framework,
        "curriculum.version.record",
        user=version.published_by,
        data={"version": version.number, "revision": revision.pk},
    )
    return version


@transaction.atomic
def assessment_method_ensure(
    *, code: str, name: str, description: str = "", actor: User | None = None
) -> AssessmentMethod:
    """Create the method with this code, or update its name and description; audited when
    anything changed (the demo loader calls this on every run and must leave no trace then).

    Methods change through review like the framework: the system's and a reviewer's changes
    are published as a new revision; anyone else's are saved as a draft revision for review,
    and a new method of theirs waits, not live, until a reviewer publishes it.
    """
    existing = AssessmentMethod.objects.filter(code=code).first()
    if existing is not None and (existing.name, existing.description) == (name, description):
        return existing
    publish = actor is None or actor.has_perm("curriculum.publish_assessmentmethod")
    created = existing is None
    method = existing or AssessmentMethod(code=code, live=publish)
    method.name, method.description = name, description
    if created or publish:
        method.save()
    revision = method.save_revision(user=actor, log_action=False)
    if publish:
        revision.publish(user=actor, log_action=False)
    log(method, "curriculum.method.ensure", user=actor, data={"created": created})
    return method


def _field_errors(instance, label: str, *, exclude: list[str]) -> list[str]:
    """Field-level problems (too long, missing) as messages naming the record."""
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            f"{label}: {instance._meta.get_field(name).verbose_name} – {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


# Keys of a competency dict that name assessment methods by code rather than hold field values.
_METHOD_KEYS = ("required_methods", "accepted_methods", "refresh_method")


def _method_rule_errors(
    competencies: Sequence[dict], method_caps: Mapping[str, int], scale_values: set[int]
) -> list[str]:
    """The evidence rules and caps, checked with the shared rules before any method is looked up."""
    errors = []
    for item in competencies:
        errors += rules.evidence_rule_errors(
            rules.EvidenceRuleData(
                id_number=item["id_number"],
                required=tuple(item.get("required_methods", ())),
                accepted=tuple(item.get("accepted_methods", ())),
                refresh_months=item.get("refresh_months"),
                refresh_method=item.get("refresh_method") or "",
                row=item.get("row"),
            )
        )
    errors += rules.method_cap_errors(
        [rules.MethodCapData(method=code, max_level=level) for code, level in method_caps.items()],
        scale_values,
    )
    return errors


def _methods_by_code(
    competencies: Sequence[dict], method_caps: Mapping[str, int]
) -> dict[str, AssessmentMethod]:
    """Every method named, by code; unknown codes are refused, naming where they were used."""
    methods = {method.code: method for method in AssessmentMethod.objects.all()}
    errors = []
    for item in competencies:
        where = f"Row {item['row']}: " if item.get("row") else ""
        named = [*item.get("required_methods", ()), *item.get("accepted_methods", ())]
        if item.get("refresh_method"):
            named.append(item["refresh_method"])
        unknown = sorted({code for code in named if code not in methods})
        if unknown:
            errors.append(
                f"{where}{item['id_number']}: unknown assessment method {', '.join(unknown)}."
            )
    unknown_caps = sorted(code for code in method_caps if code not in methods)
    if unknown_caps:
        errors.append(f"Method caps: unknown assessment method {', '.join(unknown_caps)}.")
    if errors:
        raise ValidationError(errors)
    return methods


@transaction.atomic
def framework_create(
    *,
    id_number: str,
    short_name: str,
    description: str = "",
    taxonomies: str = "",
    scale: Sequence[rules.ScaleLevelData],
    competencies: Sequence[dict],
    method_caps: Mapping[str, int] | None = None,
    moodle_scale_id: int | None = None,
    actor: User | None = None,
    publish: bool = True,
) -> CompetencyFramework:
    """Create a framework with its scale, competency tree and evidence rules, checked first.

    Each competency is a dict of Competency fields, where `required_methods` ("all of") and
    `accepted_methods` ("any of") are lists of method codes and `refresh_method` a method code.
    `method_caps` maps a method code to the highest level it shows on its own, e.g. {"KT": 2}.
    With `publish`, the first revision goes live and becomes version 1; a published framework
    needs a descriptor for every scale level.
    """
    method_caps = dict(method_caps or {})
    if taken := framework_id_number_taken(id_number=id_number):
        raise ValidationError(taken)
    errors = rules.scale_errors(scale) + rules.tree_errors(
        rules.CompetencyData(
            id_number=item["id_number"],
            short_name=item["short_name"],
            parent_id_number=item.get("parent_id_number", ""),
            cross_references=rules.split_codes(item.get("cross_references", "")),
            row=item.get("row"),
        )
        for item in competencies
    )
    if publish:
        errors += rules.scale_description_errors(scale)
    errors += _method_rule_errors(competencies, method_caps, {level.value for level in scale})
    if errors:
        raise ValidationError(errors)
    methods = _methods_by_code(competencies, method_caps)
    framework = CompetencyFramework(
        id_number=id_number,
        short_name=short_name,
        description=description,
        taxonomies=taxonomies,
        moodle_scale_id=moodle_scale_id,
        live=False,
    )
    framework.scale_levels = [
        ScaleLevel(
            value=level.value,
            name=level.name,
            description=level.description,
            is_proficient=level.is_proficient,
            is_default=level.is_default,
            sort_order=index,
        )
        for index, level in enumerate(scale)
    ]
    framework.method_caps = [
        MethodCap(method=methods[code], max_level=level, sort_order=index)
        for index, (code, level) in enumerate(method_caps.items())
    ]
    children = []
    for index, item in enumerate(competencies):
        fields = {k: v for k, v in item.items() if k not in {*_METHOD_KEYS, "row"}}
        child = Competency(sort_order=index, **fields)
        child.required_methods = [methods[code] for code in item.get("required_methods", [])]
        child.accepted_methods = [methods[code] for code in item.get("accepted_methods", [])]
        child.refresh_method = methods.get(item.get("refresh_method") or "")
        children.append(child)
    framework.competencies = children
    field_errors = _field_errors(framework, "Framework", exclude=[])
    for item, child in zip(competencies, children, strict=True):
        where = f"Row {item['row']}: " if item.get("row") else ""
        field_errors += _field_errors(child, f"{where}{child.id_number}", exclude=["framework"])
    if field_errors:
        raise ValidationError(field_errors)
    framework.save()
    revision = framework.save_revision(user=actor, log_action=True)
    if publish:
        revision.publish(user=actor)
        framework.refresh_from_db()
    return framework


@transaction.atomic
def framework_import(
    *, data: bytes | str, rules_data: bytes | str | None = None, actor: User | None = None
) -> CompetencyFramework:
    """Create a framework from a Moodle competency framework CSV, and the rules file exported
    beside it when given: all of it, or nothing.

    Raises MoodleImportError listing every problem. Imported by the system or by someone who may
    publish frameworks, it goes live as version 1; a trainer's import stays a draft for review,
    and so does any import whose scale levels have no descriptors (Moodle's CSV holds none: they
    come from the rules file, or are written in the editor before publishing). Without a rules
    file, the default method caps apply (e-learning 1, knowledge test 2).
    """
    if actor is not None and not actor.has_perm("curriculum.add_competencyframework"):
        raise PermissionDenied("You may not add competency frameworks.")
    parsed = parse_framework_files(data, rules_data)
    if parsed.method_caps is None:
        known = set(
            AssessmentMethod.objects.filter(code__in=rules.DEFAULT_METHOD_CAPS).values_list(
                "code", flat=True
            )
        )
        on_scale = {level.value for level in parsed.scale}
        parsed.method_caps = {
            code: level
            for code, level in rules.DEFAULT_METHOD_CAPS.items()
            if code in known and level in on_scale
        }
    may_publish = actor is None or actor.has_perm("curriculum.publish_competencyframework")
    described = not rules.scale_description_errors(parsed.scale)
    publish = may_publish and described
    try:
        framework = framework_create(**parsed.create_kwargs(), actor=actor, publish=publish)
    except ValidationError as error:
        raise MoodleImportError(error.messages) from error
    log(
        framework,
        "curriculum.framework.import",
        user=actor,
        data={
            "competencies": len(parsed.competencies),
            "scale_levels": len(parsed.scale),
            "published": publish,
            "rules_file": rules_data is not None,
        },
    )
    return framework
