from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The enterprise portal: pages only, no models (the domain apps own the data)."""

    name = "xiufu.portal"
    label = "portal"
    verbose_name = "企业门户"
