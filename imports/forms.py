"""Forms for the import pages: a spreadsheet to upload, for assessments or a roster."""

from django import forms
from django.core.exceptions import ValidationError

from competencies.importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from workforce import roster
from workforce.forms import NHSFormMixin
from workforce.spreadsheets import size_problem


class SpreadsheetForm(NHSFormMixin, forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        allow_empty_file=True,  # the reader says "The file is empty." like every import
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, help_text: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = help_text
        self.fields["file"].widget.attrs["aria-describedby"] = "id_file-hint"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if problem := size_problem(upload.size):
            raise ValidationError(problem)
        return upload


def assessment_form(data=()) -> SpreadsheetForm:
    return SpreadsheetForm(
        *data,
        help_text="Columns: " + ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS) + " (notes is "
        "optional). Dates as 2026-03-01 or 01/03/2026; levels as a number or name; methods as "
        "a code or name.",
    )


class RosterForm(SpreadsheetForm):
    def clean_file(self):
        upload = super().clean_file()
        if problem := roster.size_problem(upload.size):
            raise ValidationError(problem)
        return upload


def roster_form(data=()) -> SpreadsheetForm:
    return RosterForm(
        *data,
        help_text="Columns: " + ", ".join(roster.COLUMNS) + ". Role is link worker (other "
        "roles are asked for under Role requests); organisation is its name or ODS code. At "
        "most 1 MB (about 10,000 people).",
    )
