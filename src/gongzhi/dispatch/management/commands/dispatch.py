"""`gongzhi dispatch train|evaluate|activate|rollback|list`: the 秒拨 model's life (decision 0011)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.dispatch import actions, predict, training
from gongzhi.dispatch.embedding import EmbedderMissing
from gongzhi.dispatch.models import DispatchModel


class Command(BaseCommand):
    help = "秒拨分类模型:训练、评估、启用、回滚"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        train = sub.add_parser("train", help="从数据库中已分类的诉求或标注文件训练并启用新模型")
        train.add_argument("file", nargs="?", help="CSV/XLSX,列 subject、detail、label")
        train.add_argument("--no-tune", action="store_true", help="不做内层交叉验证选择C(更快)")
        evaluate = sub.add_parser("evaluate", help="在标注文件上评估当前模型,或用 --folds 做K折交叉验证")
        evaluate.add_argument("file")
        evaluate.add_argument("--folds", type=int, default=0)
        activate = sub.add_parser("activate", help="启用指定版本")
        activate.add_argument("version", type=int)
        sub.add_parser("rollback", help="回滚到上一个版本")
        sub.add_parser("list", help="列出模型版本")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['sub']}")(options)
        except (training.TrainingError, actions.DispatchError, EmbedderMissing) as exc:
            raise CommandError(str(exc)) from exc

    def _train(self, options: dict[str, Any]) -> None:
        model = actions.model_train(actor=None, file=options.get("file"), tune=not options["no_tune"])
        self.stdout.write(
            f"已训练并启用分拨模型 v{model.version}({len(model.labels)}个类别,来源 {model.source})"
        )
        unrouted = model.metrics.get("unrouted_labels") or []
        if unrouted:
            self.stdout.write(
                self.style.WARNING(
                    f"注意:{len(unrouted)}个类别不在本系统的诉求分类中({'、'.join(unrouted[:8])}"
                    f"{'等' if len(unrouted) > 8 else ''}):预测为这些类别的诉求不会自动派单,"
                    "留在社区分拨由人工派单。如需恢复原模型:gongzhi dispatch rollback"
                )
            )

    def _evaluate(self, options: dict[str, Any]) -> None:
        examples = training.read_examples(options["file"])
        if options["folds"]:
            if options["folds"] < 2:
                raise CommandError("--folds 至少为2")
            result = training.cross_validate(examples, options["folds"])
            header = f"{options['folds']}折分层交叉验证(每折重新训练)"
        else:
            model = predict.active_model()
            if model is None:
                raise CommandError(
                    "当前没有启用的分拨模型:请先运行 gongzhi dispatch train,或使用 --folds 做交叉验证"
                )
            training.validate(examples)
            texts = [training.compose(e.subject, e.detail) for e in examples]
            predicted = [
                ranked[0][0] if ranked else "" for ranked in predict.predict_loaded(model, texts, k=1)
            ]
            truth = [e.label for e in examples]
            if model.label_kind == "category":  # a category model answers paths; compare level 1
                predicted = [p.split("/")[0] for p in predicted]
                truth = [t.split("/")[0] for t in truth]
            result = training.score(truth, predicted)
            header = f"模型 v{model.version} 在 {len(examples)} 条标注数据上的评估"
        self.stdout.write(header)
        self.stdout.write(result.report)
        self.stdout.write("混淆矩阵(行:真实,列:预测,按行首编号)")
        self.stdout.write(result.matrix)
        self.stdout.write(json.dumps(result.summary(), ensure_ascii=False))

    def _activate(self, options: dict[str, Any]) -> None:
        model = actions.model_activate(version=options["version"], actor=None)
        self.stdout.write(f"已启用分拨模型 v{model.version}")

    def _rollback(self, options: dict[str, Any]) -> None:
        model = actions.model_rollback(actor=None)
        self.stdout.write(f"已回滚,当前启用分拨模型 v{model.version}")

    def _list(self, options: dict[str, Any]) -> None:
        for m in DispatchModel.objects.defer("blob"):
            mark = "*" if m.is_active else " "
            self.stdout.write(
                f"{mark} v{m.version} {m.created_at:%Y-%m-%d %H:%M} {m.source} {len(m.labels)}类 {m.metrics}"
            )
