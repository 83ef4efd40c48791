from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "xiufu.letters"
    label = "letters"
    verbose_name = "文书"

    def ready(self) -> None:
        from xiufu.evidence.codes import register_code_resolver
        from xiufu.letters.selectors import resolve_verification_code

        register_code_resolver(resolve_verification_code)
