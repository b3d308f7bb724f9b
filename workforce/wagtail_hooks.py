"""Registers the workforce admin, the sign-in lockouts page and the audit-log actions."""

from django.urls import reverse
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import lockouts
from .models import Membership, Organisation
from .two_factor import needs_second_factor
from .viewsets import KeepRecordsPermissionPolicy, WorkforceViewSetGroup

register_permission_policy(Organisation, KeepRecordsPermissionPolicy(Organisation))
register_permission_policy(Membership, KeepRecordsPermissionPolicy(Membership))


@hooks.register("register_admin_viewset")
def register_workforce_viewsets():
    return WorkforceViewSetGroup()


@hooks.register("register_log_actions")
def register_workforce_log_actions(actions):
    actions.register_action("workforce.user.create", "Create person", "Person created")
    actions.register_action(
        "workforce.organisation.create", "Create organisation", "Organisation created"
    )
    actions.register_action("workforce.membership.start", "Start role", "Role started")
    actions.register_action("workforce.membership.end", "End role", "Role ended")
    actions.register_action(
        "workforce.membership.supervisor", "Name supervisor", "Named supervisor changed"
    )
    actions.register_action("workforce.roster.import", "Import roster", "Roster imported")
    actions.register_action("workforce.user.rename", "Rename person", "Person renamed")
    actions.register_action("workforce.export", "Export report", "Report exported")
    actions.register_action("workforce.role.request", "Request role", "Role requested")
    actions.register_action("workforce.role.approve", "Approve role", "Role request approved")
    actions.register_action("workforce.role.refuse", "Refuse role", "Role request refused")


@hooks.register("register_admin_urls")
def register_lockout_urls():
    return lockouts.admin_urls()


@hooks.register("register_settings_menu_item")
def register_lockouts_menu_item():
    return lockouts.menu_item()


@hooks.register("register_account_menu_item")
def register_recovery_codes_account_item(request):
    if not needs_second_factor(request.user):
        return None
    return {
        "url": reverse("two_factor_recovery_codes"),
        "label": "Recovery codes",
        "help_text": "Make new recovery codes for signing in without your phone.",
    }


@hooks.register("register_log_actions")
def register_sign_in_log_actions(actions):
    actions.register_action("workforce.signin.success", "Sign in", "Signed in")
    actions.register_action("workforce.signin.failure", "Sign-in failure", "Sign-in failed")
    actions.register_action("workforce.signin.lockout", "Sign-in lockout", "Sign-in locked out")
    actions.register_action("workforce.signin.unlock", "Sign-in unlock", "Sign-in unlocked")
    actions.register_action("workforce.password.change", "Change password", "Password changed")
    actions.register_action(
        "workforce.password.reset_throttled",
        "Password reset throttled",
        "Password reset refused: too many requests",
    )
    actions.register_action(
        "workforce.two_factor.set_up", "Set up second factor", "Authenticator app set up"
    )
    actions.register_action(
        "workforce.two_factor.verify", "Second factor", "Security code accepted"
    )
    actions.register_action(
        "workforce.two_factor.failure", "Second factor failure", "Security code refused"
    )
    actions.register_action(
        "workforce.two_factor.recovery_codes", "New recovery codes", "Recovery codes replaced"
    )
