from gongzhi.appeals.tests.conftest import world  # noqa: F401  (the appeals fixtures)
