from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.api import api
from xiufu.accounts.admin import admin_site
from xiufu.accounts.forms import LoginForm
from xiufu.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", core_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("xiufu.portal.urls")),
    path("desk/", include("xiufu.desk.urls")),
    path("", include("xiufu.evidence.urls")),
    path("letters/", include("xiufu.letters.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
]

admin.site = admin_site
