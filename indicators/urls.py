from django.urls import path

from indicators import views

urlpatterns = [
    path("indicators/<str:slug>/", views.indicator_detail, name="indicator_detail"),
]
