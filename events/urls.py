from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("timeline/", views.timeline, name="timeline"),
    path("timeline/export.csv", views.export_csv, name="export_csv"),
    path("timeline/export.json", views.export_json, name="export_json"),
    path("timeline/export.timelinejs.json", views.export_timelinejs, name="export_timelinejs"),
    path("timeline/export.svg", views.export_svg, name="export_svg"),
    path("embed/timeline/", views.embed_timeline, name="embed_timeline"),
    path("events/<slug:slug>/", views.event_detail, name="event_detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source_detail"),
    path("leaders/", views.leader_list, name="leader_list"),
    path("leaders/options/", views.leader_options, name="leader_options"),
    path("leaders/<slug:slug>/", views.leader_detail, name="leader_detail"),
    path("collections/<slug:slug>/", views.collection_detail, name="collection_detail"),
    path("seating/compare/", views.seating_compare, name="seating_compare"),
    path("preview/timeline.png", views.preview_timeline, name="preview_timeline"),
    path("preview/events/<slug:slug>.png", views.preview_event, name="preview_event"),
    path("preview/leaders/<slug:slug>.png", views.preview_leader, name="preview_leader"),
    path("preview/seating/compare.png", views.preview_compare, name="preview_compare"),
]
