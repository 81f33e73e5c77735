"""The deadline sweep as a Django task (run by `gongzhi db_worker`); cron can also run
`gongzhi appeals_sweep` directly. Both call actions_sweeps.sweep, which is idempotent."""

from typing import Any

from django.tasks import task


@task()
def appeals_sweep() -> dict[str, Any]:
    from gongzhi.appeals.actions_sweeps import sweep

    return sweep().as_dict()
