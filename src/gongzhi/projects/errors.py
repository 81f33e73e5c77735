"""Errors the actions raise; views and the API map `status` to the HTTP status code."""

from gongzhi.projects.workflow import InvalidTransition


class ProjectError(Exception):
    status = 400

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class NotInCensus(ProjectError):
    status = 403


class VoteClosed(ProjectError):
    status = 409


class OverAllowance(ProjectError):
    status = 422


__all__ = ["InvalidTransition", "NotInCensus", "OverAllowance", "ProjectError", "VoteClosed"]
