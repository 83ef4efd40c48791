from django.urls import path

from xiufu.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
]
