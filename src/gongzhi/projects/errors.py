"""Refusals of the micro-project actions (decision 0045): each is a `core.errors` refusal carrying
its HTTP status, so the API and the pages map them without a ladder of `except` clauses."""

from gongzhi.core.errors import BadInput
from gongzhi.core.lifecycle import InvalidTransition


class ProjectError(BadInput):
    """Any refusal of a micro-project action: 400 unless `status=` names another (403, 404, 409, 422)."""


class NotInCensus(ProjectError):
    status_code = 403


class VoteClosed(ProjectError):
    status_code = 409


class OverAllowance(ProjectError):
    status_code = 422


__all__ = ["InvalidTransition", "NotInCensus", "OverAllowance", "ProjectError", "VoteClosed"]
