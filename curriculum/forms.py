"""The framework's admin form: checks the scale, the tree and the evidence rules before anything
is saved."""

from wagtail.admin.forms import WagtailAdminModelForm

from . import rules
from .selectors import competency_is_in_use


def _kept_forms(formset) -> list:
    """The inline forms that will be saved: not deleted, and not blank extra forms."""
    kept = []
    for form in formset.forms:
        if formset._should_delete_form(form) or not hasattr(form, "cleaned_data"):
            continue
        if form.instance.pk or form.has_changed():
            kept.append(form)
    return kept


def _code(method) -> str:
    return method.code if method is not None else ""


class CompetencyFrameworkForm(WagtailAdminModelForm):
    def is_valid(self) -> bool:
        # The inline formsets are cleaned after the form itself, so the framework-wide rules,
        # which need every scale level and competency, run once they are all known.
        if not super().is_valid():
            return False
        errors = self.framework_errors()
        if errors:
            self.add_error(None, errors)
            return False
        return True

    def framework_errors(self) -> list[str]:
        scale_forms = _kept_forms(self.formsets["scale_levels"])
        competency_formset = self.formsets["competencies"]
        scale = [
            rules.ScaleLevelData(
                value=form.cleaned_data.get("value") or 0,
                name=form.cleaned_data.get("name", ""),
                is_proficient=form.cleaned_data.get("is_proficient", False),
                is_default=form.cleaned_data.get("is_default", False),
                description=form.cleaned_data.get("description", ""),
            )
            for form in scale_forms
        ]
        errors = rules.scale_errors(scale) + rules.scale_description_errors(scale)
        errors += rules.method_cap_errors(
            [
                rules.MethodCapData(
                    method=_code(form.cleaned_data.get("method")),
                    max_level=form.cleaned_data.get("max_level"),
                )
                for form in _kept_forms(self.formsets["method_caps"])
            ],
            {level.value for level in scale},
        )
        for form in _kept_forms(competency_formset):
            data = form.cleaned_data
            errors += rules.evidence_rule_errors(
                rules.EvidenceRuleData(
                    id_number=data.get("id_number", ""),
                    required=tuple(_code(method) for method in data.get("required_methods", [])),
                    accepted=tuple(_code(method) for method in data.get("accepted_methods", [])),
                    refresh_months=data.get("refresh_months"),
                    refresh_method=_code(data.get("refresh_method")),
                )
            )
        errors += rules.tree_errors(
            rules.CompetencyData(
                id_number=form.cleaned_data.get("id_number", ""),
                short_name=form.cleaned_data.get("short_name", ""),
                parent_id_number=form.cleaned_data.get("parent_id_number", ""),
                cross_references=rules.split_codes(form.cleaned_data.get("cross_references", "")),
            )
            for form in _kept_forms(competency_formset)
        )
        deleted = [
            form.instance
            for form in competency_formset.forms
            if form.instance.pk and competency_formset._should_delete_form(form)
        ]
        errors += [
            f"{competency.id_number} has been assessed or is taught by a module, "
            "so it cannot be deleted: mark it as retired instead."
            for competency in deleted
            if competency_is_in_use(competency)
        ]
        return errors
