from django.urls import path

from workflow import views

app_name = "workflow"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("entry/<str:slug>/<int:year>/", views.entry_grid, name="entry_grid"),
    path("observations/<int:pk>/", views.observation_detail, name="observation_detail"),
    path("observations/<int:pk>/review/", views.observation_review, name="observation_review"),
    path("review/", views.review_batch, name="review_batch"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("indicators/<str:slug>/<int:year>/", views.indicator_year, name="indicator_year"),
    path("indicators/<str:slug>/history/", views.indicator_history, name="indicator_history"),
    path("settings/", views.notification_settings, name="settings"),
    path("years/", views.reporting_years, name="years"),
    path("quality/<str:sector>/", views.quality, name="quality"),
]
