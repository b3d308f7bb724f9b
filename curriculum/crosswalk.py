"""The crosswalk table as a CSV download: the same rows and columns as the public page."""

import csv

from django.http import HttpResponse

from .selectors import CrosswalkRow


def crosswalk_csv_response(rows: list[CrosswalkRow], *, filename: str) -> HttpResponse:
    """One row per competency; each national framework's references in one cell, "code – title"
    joined by semicolons, so a spreadsheet keeps them together."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte order mark, so that spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    frameworks = [column.label for column in rows[0].columns] if rows else []
    writer.writerow(["Code", "Competency", "Core", "Senior route", *frameworks])
    for row in rows:
        writer.writerow(
            [
                row.competency.id_number,
                row.competency.short_name,
                "Yes" if row.competency.is_core else "No",
                row.competency.senior_route,
                *(
                    "; ".join(f"{ref.code} – {ref.title}" for ref in column.references)
                    for column in row.columns
                ),
            ]
        )
    return response
