from django.apps import AppConfig


class BureauConfig(AppConfig):
    name = "xiufu.bureau"
    label = "bureau"
    verbose_name = "征信系统报送"
