from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "xiufu.cases"
    label = "cases"
    verbose_name = "异议案件"

    def ready(self) -> None:
        from xiufu.calendar.selectors import SCHEDULE_CHANGE_HOOKS
        from xiufu.cases.actions.clock import do_recalculate_clocks

        if do_recalculate_clocks not in SCHEDULE_CHANGE_HOOKS:
            SCHEDULE_CHANGE_HOOKS.append(do_recalculate_clocks)
