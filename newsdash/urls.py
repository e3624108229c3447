from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "newsdash editors"
admin.site.site_title = "newsdash editors"
admin.site.index_title = "Leaders, events, sources and seating"
# The list of events needs the width more than the app list does.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    path("", include("events.urls")),
]
