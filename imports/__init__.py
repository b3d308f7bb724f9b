"""Spreadsheet imports and exports: assessments, rosters and reports (the top layer)."""
