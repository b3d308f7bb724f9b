"""Audit-log actions written by the quality services."""

from wagtail import hooks

LOG_ACTIONS = {
    "quality.sample.agree": ("Agree sampled assessment", "Sampled assessment agreed"),
    "quality.sample.hold": ("Put assessment on hold", "Sampled assessment not agreed: on hold"),
}


@hooks.register("register_log_actions")
def register_quality_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)
