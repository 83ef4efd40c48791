from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xiufu.accounts"
    label = "accounts"
    verbose_name = "账号与角色"
