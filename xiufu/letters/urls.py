from django.urls import path

from xiufu.letters import views

app_name = "letters"
urlpatterns = [
    path("<int:letter_id>.<str:fmt>", views.letter_file, name="file"),
    path("<int:letter_id>/receipt-<str:fmt>.json", views.letter_receipt, name="receipt"),
    path("templates/", views.template_list, name="templates"),
    path("templates/upload/", views.template_upload, name="template_upload"),
    path(
        "templates/<int:template_id>/activate/", views.template_activate, name="template_activate"
    ),
    path("templates/<int:template_id>/preview/", views.template_preview, name="template_preview"),
]
