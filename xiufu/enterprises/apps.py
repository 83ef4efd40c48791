from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "xiufu.enterprises"
    label = "enterprises"
    verbose_name = "企业与自然人"
