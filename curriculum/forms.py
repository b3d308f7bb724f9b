"""The framework's admin form: checks the scale and the tree before anything is saved."""

from django.core.exceptions import ValidationError
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


class CompetencyFrameworkForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        scale_forms = _kept_forms(self.formsets["scale_levels"])
        competency_formset = self.formsets["competencies"]
        errors = rules.scale_errors(
            [
                rules.ScaleLevelData(
                    value=form.cleaned_data.get("value") or 0,
                    name=form.cleaned_data.get("name", ""),
                    is_proficient=form.cleaned_data.get("is_proficient", False),
                    is_default=form.cleaned_data.get("is_default", False),
                )
                for form in scale_forms
            ]
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
        for form in competency_formset.forms:
            if form.instance.pk and competency_formset._should_delete_form(form):
                if competency_is_in_use(form.instance):
                    errors.append(
                        f"{form.instance.id_number} has been assessed or is taught by a module, "
                        "so it cannot be deleted: mark it as retired instead."
                    )
        if errors:
            raise ValidationError(errors)
        return cleaned
