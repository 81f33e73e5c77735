"""The fast feature code and the compact stored model (decision 0029) compute what the
scikit-learn pipeline computes, and models stored in the earlier format still predict."""

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from gongzhi.dispatch import actions, predict, training
from gongzhi.dispatch.compact import CompactModel
from gongzhi.dispatch.features import BITS, CharGrams
from gongzhi.dispatch.tests.data import ROWS

ODD = ["", "a", "  A  b\t\tC😀x ", "\x00ab", "ＡＢ１２ 全角", "路灯" * 3000, "Street light broken 路灯不亮"]
THIRD = [
    ("医院排队", "医院挂号排队太久,医生态度差"),
    ("疫苗接种", "社区卫生服务中心疫苗接种预约难"),
    ("医保报销", "医保报销比例太低,看病贵"),
]


def _texts_labels(rows: dict[str, list[tuple[str, str]]]) -> tuple[list[str], list[str]]:
    pairs = [(training.compose(s, d), label) for label, items in rows.items() for s, d in items]
    return [t for t, _ in pairs], [label for _, label in pairs]


def _key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = (key << BITS) | ord(ch)
    return key


def test_char_grams_are_scikit_learns_tfidf_of_character_1_2_grams():
    texts, _ = _texts_labels(ROWS)
    texts = [t.replace(training.SEPARATOR, " ") for t in texts]
    ours, theirs = CharGrams(n=2, part="all"), TfidfVectorizer(analyzer="char", ngram_range=(1, 2))
    ours_x, theirs_x = ours.fit_transform(texts), theirs.fit_transform(texts)
    columns = np.searchsorted(ours.vocabulary_, [np.uint64(_key(g)) for g in theirs.get_feature_names_out()])
    assert len(ours.vocabulary_) == len(theirs.vocabulary_)
    assert abs(ours_x[:, columns] - theirs_x).max() < 1e-12
    probe = [t for t in ODD if "\x00" not in t]  # scikit-learn keeps NUL; we read it as a space
    assert abs(ours.transform(probe)[:, columns] - theirs.transform(probe)).max() < 1e-12


def test_the_compact_model_gives_the_pipelines_probabilities_for_two_and_three_classes():
    for rows in (ROWS, {**ROWS, "卫生计生": THIRD * 2}):
        texts, labels = _texts_labels(rows)
        pipeline = training.build_pipeline(1.0, calibration_folds=2).fit(texts, labels)
        compact = CompactModel(pipeline)
        probe = texts + [training.compose("", t) for t in ODD]
        assert list(compact.classes_) == list(pipeline.classes_)
        assert abs(compact.predict_proba(probe) - pipeline.predict_proba(probe)).max() < 1e-9
        assert list(compact.predict(probe)) == list(pipeline.predict(probe))


def _pipeline_before_0029(texts: list[str], labels: list[str]) -> Pipeline:
    """The model as stored before decision 0029: scikit-learn vectorisers, jieba words of the
    subject, and a taxonomy prior fitted before it had a votes table."""
    prior = training.TaxonomyPrior().fit()
    del prior.table_, prior.index_
    features = FeatureUnion(
        [
            (
                "subject",
                TfidfVectorizer(analyzer="char", ngram_range=(1, 3), preprocessor=training.subject_part),
            ),
            (
                "detail",
                TfidfVectorizer(analyzer="char", ngram_range=(1, 3), preprocessor=training.detail_part),
            ),
            (
                "words",
                TfidfVectorizer(
                    tokenizer=training.jieba_tokens, token_pattern=None, preprocessor=training.subject_part
                ),
            ),
            ("taxonomy", prior),
        ],
        transformer_weights={"subject": 1.0, "detail": 1.0, "words": 0.5, "taxonomy": 0.5},
    )
    classifier = CalibratedClassifierCV(
        LinearSVC(class_weight="balanced"), method="sigmoid", cv=2, ensemble=False
    )
    return Pipeline([("features", features), ("clf", classifier)]).fit(texts, labels)


def test_a_model_stored_in_the_earlier_format_still_loads_and_predicts(labelled):
    texts, labels = _texts_labels(ROWS)
    old = actions.model_store(
        pipeline=_pipeline_before_0029(texts, labels),
        actor=None,
        source="old",
        label_kind="level1",
        metrics={},
    )
    ranked = predict.predict([training.compose("学校收费", "学校乱收费,老师补课")])[0]
    assert ranked[0][0] == "教育文体"
    assert abs(sum(p for _, p in ranked) - 1) < 1e-6
    assert predict.active_model().version == old.version
    new = actions.model_train(actor=None, file=labelled, tune=False)
    assert isinstance(predict.active_model().pipeline, CompactModel)
    assert predict.active_model().version == new.version
