from django.urls import path

from xiufu.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:case_id>/", views.case, name="case"),
    path("cases/<int:case_id>/materials/", views.case_upload, name="case_upload"),
    path(
        "cases/<int:case_id>/materials/<int:material_id>/receipt/",
        views.material_receipt,
        name="material_receipt",
    ),
    path("cases/<int:case_id>/submit/", views.case_submit, name="case_submit"),
    path("cases/<int:case_id>/supplement/", views.case_supplement, name="case_supplement"),
    path("cases/<int:case_id>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("cases/<int:case_id>/rating/", views.case_rate, name="case_rate"),
    path("help/", views.help_centre, name="help"),
]
