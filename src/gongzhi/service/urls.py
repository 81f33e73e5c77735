from django.urls import path

from gongzhi.service import views_home, views_orders, views_pairing, views_reportin, views_teams, views_wishes

app_name = "service"
urlpatterns = [
    path("", views_home.index, name="index"),
    path("notices/", views_home.notices, name="notices"),
    path("notices/read/", views_home.notices_read, name="notices_read"),
    # orders
    path("order/", views_orders.order_new, name="order_new"),
    path("orders/mine/", views_orders.order_mine, name="order_mine"),
    path("orders/", views_orders.orders, name="orders"),
    path("tasks/", views_orders.tasks, name="tasks"),
    path("orders/<int:order_id>/", views_orders.order_detail, name="order_detail"),
    *[
        path(
            f"orders/<int:order_id>/{action}/",
            views_orders.order_move,
            {"action": action},
            name=f"order_{action}",
        )
        for action in views_orders.ORDER_MOVES
    ],
    path("orders/<int:order_id>/photos/<int:photo_id>/", views_orders.order_photo, name="order_photo"),
    path("from-appeal/", views_orders.from_appeal, name="from_appeal"),
    # teams and posters
    path("teams/", views_teams.teams, name="teams"),
    path("teams/<int:team_id>/", views_teams.team_detail, name="team_detail"),
    path("helpers/<int:helper_id>/", views_teams.helper_edit, name="helper_edit"),
    path("helpers/me/", views_teams.helper_me, name="helper_me"),
    path("poster/<int:building_id>/", views_teams.poster_page, name="poster"),
    path("poster/<int:building_id>.svg", views_teams.poster_svg, name="poster_svg"),
    path("poster/<int:building_id>.pdf", views_teams.poster_pdf, name="poster_pdf"),
    path("contact/<int:building_id>/", views_teams.contact, name="contact"),
    # wishes
    path("wishes/wall/", views_wishes.wall, name="wall"),
    path("wishes/wall/<int:wish_id>/claim/", views_wishes.wish_claim, name="wish_claim"),
    path("wishes/mine/", views_wishes.wish_mine, name="wish_mine"),
    path("wishes/", views_wishes.wishes, name="wishes"),
    path("wishes/<int:wish_id>/", views_wishes.wish_detail, name="wish_detail"),
    path("wishes/<int:wish_id>/claim/", views_wishes.wish_staff_claim, name="wish_staff_claim"),
    path("wishes/<int:wish_id>/fulfil/", views_wishes.wish_fulfil, name="wish_fulfil"),
    path("wishes/<int:wish_id>/release/", views_wishes.wish_release, name="wish_release"),
    path("wishes/<int:wish_id>/photo/", views_wishes.wish_photo, name="wish_photo"),
    # pairing
    path("pairings/", views_pairing.pairings, name="pairings"),
    path("pairings/mine/", views_pairing.pairing_mine, name="pairing_mine"),
    path("pairings/alerts/", views_pairing.alerts, name="alerts"),
    path("pairings/<int:pairing_id>/", views_pairing.pairing_detail, name="pairing_detail"),
    path("pairings/<int:pairing_id>/visit/", views_pairing.visit_log, name="visit_log"),
    path("pairings/<int:pairing_id>/end/", views_pairing.pairing_end, name="pairing_end"),
    # report-in
    path("reportin/", views_reportin.reportin, name="reportin"),
    path("reportin/posts/<int:post_id>/claim/", views_reportin.post_claim, name="post_claim"),
    path("record/", views_reportin.my_record, name="record"),
    path("ranking/", views_reportin.ranking, name="ranking"),
    path("posts/", views_reportin.posts, name="posts"),
]
