from django.urls import path

from xiufu.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("cases/<int:case_id>/reply/", views.reply_preview, name="reply_preview"),
    path(
        "cases/<int:case_id>/reply/<slug:kind>.pdf",
        views.reply_preview_pdf,
        name="reply_preview_pdf",
    ),
    path("cases/<int:case_id>/<slug:operation>/", views.case_action, name="case_action"),
    path("materials/<int:material_id>/", views.material, name="material"),
    path("materials/<int:material_id>/receipt/", views.material_receipt, name="material_receipt"),
]
