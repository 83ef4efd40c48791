from django.urls import path

from xiufu.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/new/", views.case_new, name="case_new"),
    path("help/", views.help_centre, name="help"),
]
