"""The demo's 秒拨 model: trained on the demo's own categorised appeal history (`gongzhi demo` calls
this after the appeals are loaded), then a few uncategorised appeals reported through the normal
intake path in 碧眼社区, so the triage page shows held appeals with their top-3 suggestions and
the demo also shows confident ones dispatched automatically."""

import random
from collections import Counter
from typing import Any

from gongzhi.accounts.models import User
from gongzhi.appeals.intake import appeal_submit
from gongzhi.appeals.models import Channel
from gongzhi.dispatch import actions, training
from gongzhi.dispatch.models import AutoDispatchThreshold
from gongzhi.territory.models import Level, TerritoryNode

HOME = "碧眼社区"
THRESHOLD = 0.8
# What residents write when a problem touches two departments, or says little: the model's
# confidence stays low and the appeal is held for triage. Written for this demo.
INTAKE_TEXTS = [
    ("小区门口问题", "小区门口晚上很多摊贩,垃圾也堆着没人收,车也乱停,孩子放学回家很不安全。"),
    ("楼下的事", "楼下这两周一直有响声,墙上还有水渍,不知道该找物业还是找哪个部门。"),
    ("反映一下", "家里老人办事跑了好几趟都没办成,希望有人管管。"),
    ("路边施工", "路边挖开好几天了,晚上施工很吵,井盖旁边也没有围挡,路灯也不亮。"),
    ("学校附近", "学校附近早上堵车严重,还有人在路边卖早餐,油烟很大。"),
    ("电梯和停车", "电梯又坏了,地下车库也被外来车辆占满,物业说不归他们管。"),
    ("垃圾桶满了", "碧眼社区3栋旁边的垃圾桶已经满了三天没人清运,气味很大,招来很多苍蝇。"),
    ("夜间广场舞噪音", "小区旁边小广场每晚跳广场舞到十点多,音响开得很大,家里老人孩子无法休息。"),
]


def install_demo(*, seed: int, progress: Any) -> dict[str, int]:
    examples = actions.history_examples()
    counts = Counter(e.label for e in examples)
    usable = [e for e in examples if counts[e.label] >= training.MIN_PER_CLASS]
    if len({e.label for e in usable}) < 2 or len(usable) < training.MIN_ROWS:
        progress("秒拨 dispatch: 演示历史诉求太少,未训练模型 / too little history for a model")
        return {"dispatch_models": 0}
    random.Random(seed).shuffle(usable)  # deterministic order: the fitted model is the same each run
    pipeline, info = training.fit(usable, tune=False)
    model = actions.model_store(
        pipeline=pipeline, actor=None, source="demo:history", label_kind="category", metrics=info
    )
    held, auto = _intake_examples()
    progress(
        f"秒拨 dispatch: model v{model.version} on {len(usable)} appeals, {len(info['labels'])} classes; "
        f"{auto} appeals dispatched automatically, {held} held for triage with suggestions"
    )
    return {"dispatch_models": 1, "dispatch_held": held, "dispatch_auto": auto}


def _intake_examples() -> tuple[int, int]:
    """Report INTAKE_TEXTS as demo_resident at 碧眼社区's centroid through appeal_submit."""
    community = TerritoryNode.objects.filter(level=Level.COMMUNITY, name=HOME).first()
    user = User.objects.filter(username="demo_resident").select_related("person").first()
    if (
        community is None
        or user is None
        or community.centroid_lon is None
        or getattr(user, "person", None) is None
    ):
        return 0, 0
    AutoDispatchThreshold.objects.update_or_create(territory=community, defaults={"threshold": THRESHOLD})
    held = auto = 0
    for i, (title, text) in enumerate(INTAKE_TEXTS):
        appeal = appeal_submit(
            actor=user,
            submitter=user.person,
            channel=Channel.RESIDENT_APP,
            title=title,
            text=text,
            lon=community.centroid_lon,
            lat=community.centroid_lat,
            idempotency_key=f"demo-dispatch-{i}",
        ).appeal
        if appeal.category_id is None:
            held += 1
        else:
            auto += 1
    return held, auto
