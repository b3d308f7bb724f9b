"""The framework's admin form: checks the scale and the tree before anything is saved."""

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
