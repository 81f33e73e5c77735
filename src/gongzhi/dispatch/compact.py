"""The fitted 秒拨 pipeline reduced to what prediction needs (decision 0029).

`CompactModel` keeps the pipeline's feature extractors and folds the rest into arrays: per block
(subject grams, text grams, taxonomy prior) the SVM's coefficients already multiplied by the
block's weight, the intercepts, and each class's sigmoid (a, b) from the calibration. Prediction
is then one sparse × dense product per block, a sigmoid and a row normalisation — the same
probabilities as the pipeline's `predict_proba` (a test compares them), without scikit-learn's
per-call input validation, joblib dispatch of the FeatureUnion and the calibrator loop, which
were most of the time of a single appeal. Models stored before this are whole Pipelines; they
have the same `classes_`, `predict` and `predict_proba`, so they still load and predict."""

from typing import Any

import numpy as np
from scipy.special import expit
from sklearn.frozen import FrozenEstimator


class CompactModel:
    def __init__(self, pipeline: Any) -> None:
        union = pipeline.named_steps["features"]
        calibrated = pipeline.named_steps["clf"]
        if len(calibrated.calibrated_classifiers_) != 1 or calibrated.method != "sigmoid":
            raise ValueError("CompactModel needs one sigmoid-calibrated linear classifier (ensemble=False)")
        inner = calibrated.calibrated_classifiers_[0]
        svm = inner.estimator.estimator if isinstance(inner.estimator, FrozenEstimator) else inner.estimator
        self.classes_ = np.asarray(calibrated.classes_)
        if list(svm.classes_) != list(self.classes_):
            raise ValueError("the SVM was fitted on other classes than the calibration")
        weights = union.transformer_weights or {}
        coef = np.asarray(svm.coef_, dtype=np.float64)  # (k, features); k = 1 for two classes
        self.blocks: list[tuple[Any, np.ndarray]] = []
        start = 0
        for name, transformer in union.transformer_list:
            width = _width(transformer)
            block = coef[:, start : start + width] * weights.get(name, 1.0)
            self.blocks.append((transformer, np.ascontiguousarray(block.T)))
            start += width
        if start != coef.shape[1]:
            raise ValueError("feature widths do not add up to the SVM's coefficients")
        self.intercept = np.asarray(svm.intercept_, dtype=np.float64)
        self.sigmoid_a = np.array([c.a_ for c in inner.calibrators], dtype=np.float64)
        self.sigmoid_b = np.array([c.b_ for c in inner.calibrators], dtype=np.float64)

    def decision_function(self, texts: list[str]) -> np.ndarray:
        scores = np.tile(self.intercept, (len(texts), 1))
        for transformer, weights in self.blocks:
            scores += transformer.transform(texts) @ weights
        return scores

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """As CalibratedClassifierCV (sigmoid): one-vs-rest sigmoids normalised to sum 1 (uniform
        when all are zero); with two classes the one sigmoid is the second class's probability."""
        sig = expit(-(self.decision_function(list(texts)) * self.sigmoid_a + self.sigmoid_b))
        if len(self.classes_) == 2:
            proba = np.column_stack([1.0 - sig[:, 0], sig[:, 0]])
        else:
            total = sig.sum(axis=1, keepdims=True)
            proba = np.divide(sig, total, out=np.full_like(sig, 1.0 / len(self.classes_)), where=total != 0)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(texts), axis=1)]


def _width(transformer: Any) -> int:
    if hasattr(transformer, "dim_"):  # embedding.Embedding: a dense block of sentence vectors
        return int(transformer.dim_)
    if hasattr(transformer, "vocabulary_"):  # CharGrams (an array of keys) or a TfidfVectorizer (a dict)
        return len(transformer.vocabulary_)
    return max(len(transformer.classes_), 1)  # TaxonomyPrior: one column per taxonomy class
