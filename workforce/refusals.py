"""Why a service said no: one set of refusal codes shared by services, forms and importers.

Two kinds of "no", kept apart everywhere:
- the person asking may not do this at all (to that person, that day): `PermissionDenied`, as
  `permissions.require()` and Wagtail raise it;
- the request breaks a rule (a date in the future, a reason left out, a person named who cannot
  take that part): a `ValidationError` whose code is a `Refusal`, so that a form can show it
  beside the field it is about and an importer beside the column.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models


class Refusal(models.TextChoices):
    """The rule a request broke: the code of a service's `ValidationError`."""

    # Any record
    FUTURE_DATE = "future_date", "A date in the future"
    # The framework and assessments
    UNPUBLISHED = "unpublished", "Framework not published"
    RETIRED = "retired", "Competency retired"
    METHOD_NOT_ACCEPTED = "method_not_accepted", "Method not accepted for the competency"
    LEVEL_OFF_SCALE = "level_off_scale", "Level not on the scale"
    ASSESSOR_OUT_OF_SCOPE = "assessor_out_of_scope", "Assessor may not assess this person"
    EVIDENCE_NOT_OWN = "evidence", "Evidence of someone else"
    COUNTERSIGNER = "countersigner", "Countersigner cannot countersign"
    ALREADY_COUNTERSIGNED = "already_countersigned", "Already countersigned"
    CORRECTION = "correction", "Not a correction of that assessment"
    CORRECTION_REASON = "correction_reason", "No reason for the correction"
    NOT_PENDING = "not_pending", "Assessment not waiting for confirmation"
    NOTHING_CHOSEN = "nothing_chosen", "No assessment chosen"
    # Evidence
    TITLE = "title", "No title"
    COMPETENCIES = "competencies", "No competency claimed"
    COMPETENCY_NOT_CLAIMED = "competency_not_claimed", "Competency not claimed by the evidence"
    TEXT = "text", "No text"
    FILE = "file", "No file"
    FILE_EMPTY = "file_empty", "Empty file"
    FILE_TOO_BIG = "file_too_big", "File too big"
    FILE_TYPE = "file_type", "File type not accepted"
    FEEDBACK = "feedback", "No feedback"
    ALREADY_REVIEWED = "already_reviewed", "Already reviewed"
    # Supervision and CPD
    SUPERVISOR = "supervisor", "Supervisor cannot supervise this person"
    REFLECTIONS = "reflections", "No reflections"
    ALREADY_CONFIRMED = "already_confirmed", "Already confirmed"
    ACTIVITY = "activity", "No activity"
    HOURS = "hours", "Hours out of range"
    POINTS = "points", "Negative points"
    # Internal quality assurance
    IQA_OWN_ASSESSMENT = "iqa_own_assessment", "Quality assurer's own assessment"
    IQA_REASON = "iqa_reason", "No reason for not agreeing"
    IQA_ALREADY_SAMPLED = "iqa_already_sampled", "Assessment already sampled"
    IQA_SUPERSEDED = "iqa_superseded", "Assessment already superseded"
    # Imports
    IMPORT_STATUS = "status", "Import not in a state to confirm"
    # Certificates
    FONTS_MISSING = "fonts_missing", "Certificate fonts not installed"
    FRAMEWORK_UNPUBLISHED = "framework_unpublished", "Framework never published"
    MISSING_GLYPH = "missing_glyph", "Name cannot be printed"
    ALREADY_CURRENT = "already_current", "Already holds a current certificate"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    QUALIFICATION_UNPUBLISHED = "qualification_unpublished", "Qualification not published"
    REASON = "reason", "No reason given"
    REVOCATION_REASON = "revocation_reason", "No reason chosen from the list"
    ALREADY_REVOKED = "already_revoked", "Already revoked"
    NOT_CURRENT = "not_current", "Certificate not current"
    TOO_EARLY = "too_early", "Renewal not open yet"
    NO_WORKERS = "no_workers", "Nobody chosen"
    UNKNOWN_WORKER = "unknown_worker", "Account no longer exists"
    # Award sign-offs
    SIGN_OFF_BY_SUPERVISOR = "sign_off_by_supervisor", "Named supervisor cannot sign off"
    ALREADY_SIGNED_OFF = "already_signed_off", "Award already signed off"
    NOT_NAMED_SUPERVISOR = "not_named_supervisor", "Not the worker's named supervisor"
    NO_SIGN_OFF = "no_sign_off", "Award not signed off and countersigned"
    ISSUER_TOOK_PART = "issuer_took_part", "Issuer took part in the award"
    # Share links
    SHARE_LABEL = "share_label", "No label for the share link"
    SHARE_EXPIRY = "share_expiry", "Share link expiry out of range"
    SHARE_DETAIL = "share_detail", "Level of detail not on the list"
    SHARE_NOT_STANDING = "share_not_standing", "Certificate revoked or replaced"
    SHARE_NOT_ACTIVE = "share_not_active", "Share link already revoked or expired"
    # People
    FULL_NAME = "full_name", "No full name"
    EMAIL_TAKEN = "email_taken", "Email address already in use"
    ALREADY_MEMBER = "already_member", "Role already held"
    MEMBERSHIP_DATES = "membership_dates", "Membership ends before it starts"
    PROTECTED_ACCOUNT = "protected_account", "Account not the roster's to change"
    ACCOUNT_REMOVED = "account_removed", "Account removed meanwhile"
    ROLE_NOT_GRANTABLE = "role_not_grantable", "Role not granted this way"
    GRANT_PERSON = "grant_person", "Person not in post at the organisation"
    GRANT_WAITING = "grant_waiting", "Role request already waiting"
    GRANT_DECIDED = "grant_decided", "Role request already decided"


def refuse(code: Refusal, message: str) -> ValidationError:
    """The `ValidationError` a service raises when a request breaks the rule `code`."""
    return ValidationError(message, code=code)


def refusal_text(error: ValidationError | PermissionDenied) -> str:
    """A service's refusal, of either kind, as sentences for the person who asked."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "You may not do that."
