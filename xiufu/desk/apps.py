from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The staff desk: pages only, no models (the domain apps own the data)."""

    name = "xiufu.desk"
    label = "desk"
    verbose_name = "员工工作台"
