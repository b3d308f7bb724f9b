"""Registers the workforce admin and the audit-log actions its services write."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Membership, Organisation
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
    actions.register_action("workforce.roster.import", "Import roster", "Roster imported")
    actions.register_action("workforce.user.rename", "Rename person", "Person renamed")
