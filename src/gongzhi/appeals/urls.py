"""/appeals/…: the web pages of 接诉即办. Split by area so each module stays small:
urls_work (intake pages, workbenches, timelines, inbox, public board) and urls_whistle
(whistles, daily close-out, the three rates)."""

from gongzhi.appeals.urls_whistle import urlpatterns as whistle_patterns
from gongzhi.appeals.urls_work import urlpatterns as work_patterns

app_name = "appeals"
urlpatterns = [*work_patterns, *whistle_patterns]
