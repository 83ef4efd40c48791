from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xiufu.core"
    label = "core"
    verbose_name = "核心"
