"""Fixtures of the dispatch tests: the appeals world, a tiny labelled file and a model trained on it."""

import pytest

from gongzhi.appeals.tests.conftest import _category, world  # noqa: F401  (the appeals fixtures)
from gongzhi.dispatch import actions
from gongzhi.dispatch.models import DispatchModel
from gongzhi.dispatch.tests.data import ROWS, _write


@pytest.fixture
def labelled(world, tmp_path):  # noqa: F811
    _category("教育文体/教育/学校管理")
    return _write(tmp_path, ROWS)


@pytest.fixture
def model(labelled) -> DispatchModel:
    return actions.model_train(actor=None, file=labelled, tune=False)
