"""The public verification page and the public log endpoints (no login anywhere)."""

from django.urls import path

from xiufu.evidence import views

app_name = "evidence"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("evidence/checkpoint", views.checkpoint, name="checkpoint"),
    path("evidence/checkpoint.json", views.checkpoint_file, name="checkpoint_file"),
    path("evidence/key", views.log_key, name="key"),
]
