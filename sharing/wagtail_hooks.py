"""Audit-log actions written by the sharing services."""

from wagtail import hooks

LOG_ACTIONS = {
    "sharing.link.create": ("Create share link", "Share link created"),
    "sharing.link.revoke": ("Revoke share link", "Share link revoked"),
}


@hooks.register("register_log_actions")
def register_sharing_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
