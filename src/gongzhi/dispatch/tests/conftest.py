from gongzhi.appeals.tests.conftest import _fresh_rules, world  # noqa: F401  (the appeals fixtures)
