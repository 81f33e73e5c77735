from django.urls import path

from gongzhi.places import views_public, views_resident

app_name = "places"
urlpatterns = [
    path("", views_public.index, name="index"),
    path("c/<int:centre_id>/", views_public.centre_detail, name="centre"),
    path("v/<int:venue_id>/", views_public.venue_detail, name="venue"),
    path("v/<int:venue_id>/book/", views_resident.book, name="book"),
    path("v/<int:venue_id>/series/", views_resident.book_series, name="book_series"),
    path("b/<int:booking_id>/cancel/", views_resident.booking_cancel, name="booking_cancel"),
    path("b/<int:booking_id>/decide/", views_resident.booking_decide, name="booking_decide"),
    path("c/<int:centre_id>/activity/new/", views_public.activity_new, name="activity_new"),
    path("a/<int:activity_id>/", views_public.activity_detail, name="activity"),
    path("a/<int:activity_id>/signup/", views_resident.signup, name="signup"),
    path("a/<int:activity_id>/feedback/", views_resident.feedback, name="feedback"),
    path("a/<int:activity_id>/ics/", views_public.activity_ics, name="activity_ics"),
    path("s/<int:signup_id>/cancel/", views_resident.signup_cancel, name="signup_cancel"),
    path("calendar/", views_public.calendar_view, name="calendar"),
    path("mine/", views_resident.mine, name="mine"),
    path("feed/<str:token>.ics", views_resident.feed, name="feed"),
    path("checkin/<str:token>/", views_resident.checkin, name="checkin"),
]
