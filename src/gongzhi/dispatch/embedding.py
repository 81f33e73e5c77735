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

import importlib
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from sklearn.base import BaseEstimator, TransformerMixin

DEFAULT_FACTORY = "gongzhi.dispatch.embedding:sentence_transformers"
_models: dict[tuple[str, str], Any] = {}
_lock = threading.Lock()


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


class Embedding(BaseEstimator, TransformerMixin):
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
        vectors = np.asarray(load_embedder(self.factory, self.path).encode(texts), dtype=np.float64)
        vectors = vectors.reshape(len(texts), -1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
