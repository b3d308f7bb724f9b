from wagtail import hooks


@hooks.register("register_log_actions")
def register_credentials_log_actions(actions):
    actions.register_action(
        "credentials.credential.sign", "Sign credential", "Open Badges credential signed"
    )
