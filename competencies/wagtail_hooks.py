"""Audit-log actions written by the competencies services."""

from wagtail import hooks

LOG_ACTIONS = {
    "competencies.assessment.record": ("Record assessment", "Assessment recorded"),
    "competencies.assessment.correct": ("Correct assessment", "Assessment corrected"),
    "competencies.assessment.countersign": ("Countersign", "Assessment countersigned"),
    "competencies.evidence.submit": ("Submit evidence", "Evidence submitted"),
    "competencies.evidence.accept": ("Accept evidence", "Evidence accepted"),
    "competencies.evidence.return": ("Return evidence", "Evidence returned"),
    "competencies.evidence.download": ("Download evidence", "Evidence file downloaded"),
    "competencies.supervision.log": ("Log supervision", "Supervision logged"),
    "competencies.supervision.confirm": ("Confirm supervision", "Supervision confirmed"),
    "competencies.cpd.log": ("Log CPD", "CPD logged"),
    "competencies.assessment.import_upload": ("Upload assessments", "Assessment file uploaded"),
    "competencies.assessment.import": ("Import assessments", "Assessments imported"),
    "competencies.assessment.import_fail": ("Import failed", "Assessment import failed"),
    "competencies.assessment.import_row": (
        "Import assessment",
        "Assessment imported from a spreadsheet",
    ),
    "competencies.assessment.confirm": (
        "Confirm assessment",
        "Assessment entered by someone else confirmed by its assessor",
    ),
}


@hooks.register("register_log_actions")
def register_competencies_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
