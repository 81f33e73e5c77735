from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "gongzhi.projects"
    label = "projects"
    verbose_name = "民生微实事与投票"
