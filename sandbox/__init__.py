"""The local sandbox: the whole product against an emulated Slack workspace."""
