from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "xiufu.evidence"
    label = "evidence"
    verbose_name = "存证账本"
