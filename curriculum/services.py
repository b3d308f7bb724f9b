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
    NationalFramework,
    NationalReference,
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


def _reviewed_ensure(model, *, lookup: dict, fields: dict, actor: User | None, action: str):
    """Create the row with `lookup`, or update its `fields`; audited when anything changed (the
    demo loader calls this on every run and must leave no trace then).

    Such rows change through review like the framework: the system's and a reviewer's changes
    are published as a new revision; anyone else's are saved as a draft revision for review,
    and a new row of theirs waits, not live, until a reviewer publishes it.
    """
    existing = model.objects.filter(**lookup).first()
    if existing is not None and all(getattr(existing, k) == v for k, v in fields.items()):
        return existing
    opts = model._meta
    publish = actor is None or actor.has_perm(f"{opts.app_label}.publish_{opts.model_name}")
    created = existing is None
    obj = existing or model(**lookup, live=publish)
    for name, value in fields.items():
        setattr(obj, name, value)
    if created or publish:
        obj.save()
    revision = obj.save_revision(user=actor, log_action=False)
    if publish:
        revision.publish(user=actor, log_action=False)
    log(obj, action, user=actor, data={"created": created})
    return obj


@transaction.atomic
def assessment_method_ensure(
    *, code: str, name: str, description: str = "", actor: User | None = None
) -> AssessmentMethod:
    """Create the method with this code, or update its name and description (see
    `_reviewed_ensure`: published by the system or a reviewer, else a draft for review)."""
    return _reviewed_ensure(
        AssessmentMethod,
        lookup={"code": code},
        fields={"name": name, "description": description},
        actor=actor,
        action="curriculum.method.ensure",
    )


def _reference_errors(references: Sequence[Mapping[str, str]]) -> list[str]:
    errors = []
    for item in references:
        framework, code = item.get("framework", ""), item.get("code", "")
        if framework not in NationalFramework.values:
            errors.append(
                f"National reference {framework}:{code}: unknown framework {framework!r} "
                f"(known: {', '.join(NationalFramework.values)})."
            )
        if not code.strip() or not item.get("title", "").strip():
            errors.append(f"National reference {framework}:{code}: needs a code and a title.")
    return errors


@transaction.atomic
def national_reference_ensure(
    *, framework: str, code: str, title: str, actor: User | None = None
) -> NationalReference:
    """Create the reference to a national framework, or update its title (see
    `_reviewed_ensure`: published by the system or a reviewer, else a draft for review)."""
    if errors := _reference_errors([{"framework": framework, "code": code, "title": title}]):
        raise ValidationError(errors)
    return _reviewed_ensure(
        NationalReference,
        lookup={"framework": framework, "code": code},
        fields={"title": title},
        actor=actor,
        action="curriculum.reference.ensure",
    )


def _references_by_key(
    competencies: Sequence[dict],
    references: Sequence[Mapping[str, str]],
    actor: User | None,
) -> dict[str, NationalReference]:
    """The references the competencies name, by key ('ST0958:K3'): those defined in
    `references` are created or updated first; a key neither defined nor known is refused."""
    if errors := _reference_errors(references):
        raise ValidationError(errors)
    for item in references:
        national_reference_ensure(
            framework=item["framework"], code=item["code"], title=item["title"], actor=actor
        )
    known = {reference.key: reference for reference in NationalReference.objects.all()}
    errors = []
    for item in competencies:
        where = f"Row {item['row']}: " if item.get("row") else ""
        unknown = sorted(set(item.get("national_references", ())) - set(known))
        if unknown:
            errors.append(
                f"{where}{item['id_number']}: unknown national reference {', '.join(unknown)}."
            )
    if errors:
        raise ValidationError(errors)
    return known


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


# Keys of a competency dict that name methods or references rather than hold field values.
_RELATION_KEYS = ("required_methods", "accepted_methods", "refresh_method", "national_references")


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


def _framework_rule_errors(
    scale: Sequence[rules.ScaleLevelData],
    competencies: Sequence[dict],
    method_caps: Mapping[str, int],
) -> list[str]:
    """The tree and the evidence rules and caps of a framework's competency dicts."""
    errors = rules.tree_errors(
        rules.CompetencyData(
            id_number=item["id_number"],
            short_name=item["short_name"],
            parent_id_number=item.get("parent_id_number", ""),
            cross_references=rules.split_codes(item.get("cross_references", "")),
            row=item.get("row"),
        )
        for item in competencies
    )
    return errors + _method_rule_errors(competencies, method_caps, {lvl.value for lvl in scale})


def _fill_competency(
    competency: Competency,
    item: dict,
    methods: Mapping[str, AssessmentMethod],
    references: Mapping[str, NationalReference],
) -> Competency:
    """Set a competency's fields, evidence rule and national references from its dict."""
    for name, value in item.items():
        if name not in {*_RELATION_KEYS, "row"}:
            setattr(competency, name, value)
    competency.required_methods = [methods[code] for code in item.get("required_methods", [])]
    competency.accepted_methods = [methods[code] for code in item.get("accepted_methods", [])]
    competency.refresh_method = methods.get(item.get("refresh_method") or "")
    competency.national_references = [
        references[key] for key in item.get("national_references", [])
    ]
    return competency


def _competency_field_errors(competencies: Sequence[dict], children: list[Competency]) -> list:
    errors = []
    for item, child in zip(competencies, children, strict=True):
        where = f"Row {item['row']}: " if item.get("row") else ""
        errors += _field_errors(child, f"{where}{child.id_number}", exclude=["framework"])
    return errors


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
    national_references: Sequence[Mapping[str, str]] = (),
    moodle_scale_id: int | None = None,
    actor: User | None = None,
    publish: bool = True,
) -> CompetencyFramework:
    """Create a framework with its scale, competency tree and evidence rules, checked first.

    Each competency is a dict of Competency fields (`advanced_descriptor` and `senior_route`
    among them), where `required_methods` ("all of") and `accepted_methods` ("any of") are lists
    of method codes, `refresh_method` a method code and `national_references` a list of keys of
    national references, e.g. ["ST0958:K3", "PCI:Module 2"]. `national_references` here defines
    references ({"framework": "ST0958", "code": "K3", "title": "…"}), created or updated through
    review first; a key neither defined here nor known already is refused.
    `method_caps` maps a method code to the highest level it shows on its own, e.g. {"KT": 2}.
    With `publish`, the first revision goes live and becomes version 1; a published framework
    needs a descriptor for every scale level.
    """
    method_caps = dict(method_caps or {})
    if taken := framework_id_number_taken(id_number=id_number):
        raise ValidationError(taken)
    errors = rules.scale_errors(scale) + _framework_rule_errors(scale, competencies, method_caps)
    if publish:
        errors += rules.scale_description_errors(scale)
    if errors:
        raise ValidationError(errors)
    methods = _methods_by_code(competencies, method_caps)
    references = _references_by_key(competencies, national_references, actor)
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
    children = [
        _fill_competency(Competency(sort_order=index), item, methods, references)
        for index, item in enumerate(competencies)
    ]
    framework.competencies = children
    field_errors = _field_errors(framework, "Framework", exclude=[])
    field_errors += _competency_field_errors(competencies, children)
    if field_errors:
        raise ValidationError(field_errors)
    framework.save()
    revision = framework.save_revision(user=actor, log_action=True)
    if publish:
        revision.publish(user=actor)
        framework.refresh_from_db()
    return framework


def _in_tree_order(children: list[Competency]) -> list[Competency]:
    """The competencies renumbered in order, each new one placed after its domain's others,
    so that it lists with its siblings rather than at the end of the framework (a new domain
    goes at the end)."""
    ordered: list[Competency] = []
    for child in children:
        if child.pk is None and child.parent_id_number:
            siblings = [
                i
                for i, other in enumerate(ordered)
                if other.parent_id_number == child.parent_id_number
                or other.id_number == child.parent_id_number
            ]
            ordered.insert(siblings[-1] + 1 if siblings else len(ordered), child)
        else:
            ordered.append(child)
    for index, child in enumerate(ordered):
        child.sort_order = index
    return ordered


@transaction.atomic
def framework_revise(
    *,
    framework: CompetencyFramework,
    competencies: Sequence[dict],
    national_references: Sequence[Mapping[str, str]] = (),
    description: str | None = None,
    actor: User | None = None,
) -> CompetencyFramework:
    """A new edition of a framework's competencies: each dict updates the competency with its
    `id_number` (only the keys it holds) or adds a new one at the end; none is removed (retire
    instead): it is placed after the other competencies of its domain. Dicts are as for
    `framework_create`, checked the same way against the whole tree.

    Saved as a revision under review: the system's or a reviewer's goes live as the next
    curriculum version; anyone else's waits as a draft for a reviewer.
    """
    if actor is not None and not actor.has_perm("curriculum.change_competencyframework"):
        raise PermissionDenied("You may not change competency frameworks.")
    framework = CompetencyFramework.objects.get(pk=framework.pk).get_latest_revision_as_object()
    current = {child.id_number: child for child in framework.competencies.all()}
    children = sorted(current.values(), key=lambda child: child.sort_order or 0)
    changed = []
    for item in competencies:
        child = current.get(item["id_number"])
        if child is None:
            child = Competency(framework=framework, sort_order=len(children))
            children.append(child)
            current[item["id_number"]] = child
        changed.append((item, child))
    # Check the whole tree as it will be: every competency, with the changes applied.
    as_dicts = {
        child.id_number: {
            "id_number": child.id_number,
            "short_name": child.short_name,
            "parent_id_number": child.parent_id_number,
            "cross_references": child.cross_references,
            "required_methods": [m.code for m in child.required_methods.all()],
            "accepted_methods": [m.code for m in child.accepted_methods.all()],
            "refresh_months": child.refresh_months,
            "refresh_method": child.refresh_method.code if child.refresh_method else "",
        }
        for child in children
        if child.id_number
    }
    for item, _child in changed:
        as_dicts[item["id_number"]] = {**as_dicts.get(item["id_number"], {}), **item}
    caps = {cap.method.code: cap.max_level for cap in framework.method_caps.all()}
    scale = [
        rules.ScaleLevelData(value=level.value, name=level.name)
        for level in framework.scale_levels.all()
    ]
    if errors := _framework_rule_errors(scale, list(as_dicts.values()), caps):
        raise ValidationError(errors)
    methods = _methods_by_code(list(as_dicts.values()), caps)
    references = _references_by_key(competencies, national_references, actor)
    for item, child in changed:
        if child.pk is not None:
            # Keep what the dict does not mention.
            item = {
                "required_methods": [m.code for m in child.required_methods.all()],
                "accepted_methods": [m.code for m in child.accepted_methods.all()],
                "refresh_method": child.refresh_method.code if child.refresh_method else "",
                "national_references": [r.key for r in child.national_references.all()],
                **item,
            }
        _fill_competency(child, item, methods, references)
    framework.competencies = _in_tree_order(children)
    if description is not None:
        framework.description = description
    field_errors = _field_errors(framework, "Framework", exclude=[])
    field_errors += _competency_field_errors([item for item, _ in changed], [c for _, c in changed])
    if field_errors:
        raise ValidationError(field_errors)
    publish = actor is None or actor.has_perm("curriculum.publish_competencyframework")
    if publish:
        # Saved first so that new competencies have their ids in the version's snapshot, which
        # the competency pages' histories read by id.
        framework.save()
    revision = framework.save_revision(user=actor, log_action=True)
    if publish:
        revision.publish(user=actor)
    return CompetencyFramework.objects.get(pk=framework.pk)


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
