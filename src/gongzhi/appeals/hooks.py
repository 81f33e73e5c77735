"""Seams through which the apps built on appeals serve it (decision 0043).

Appeals sits below `dispatch` (秒拨) and `hotissues` (duplicates) and never imports them: they register
their functions here in their AppConfig.ready(). Each hook has a default that does nothing, so appeals
without those apps takes, routes and dispatches appeals as before — no suggestions, no duplicate
fingerprint, no training labels from corrections.

Callers use the module attribute (`hooks.predict_at_intake(...)`), never `from … import`: `register`
rebinds the name, and a call costs one attribute lookup, as a direct import would (intake is hot).
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models


class IntakePrediction(Protocol):
    """What 秒拨 answers at intake: a category when confident, and suggestions to store."""

    @property
    def category(self) -> Any:
        """The Category when the model is sure enough, else None."""
        ...

    @property
    def ranked(self) -> Any:
        """[(label, probability), …], best first; empty when there is nothing to store."""
        ...

    @property
    def version(self) -> int | None:
        """The answering model's version; None when no model answered."""
        ...

    @property
    def hold(self) -> bool:
        """A model answered but not confidently: the appeal waits in triage."""
        ...

    def store(self, appeal: Any) -> None:
        """Store the suggestions of the appeal just inserted (same transaction)."""
        ...


class Suggested(Protocol):
    """A stored suggestion, as dispatch-by-suggestion reads it."""

    @property
    def department_id(self) -> int | None: ...

    @property
    def category_id(self) -> int | None: ...

    @property
    def category(self) -> Any: ...


@dataclass(frozen=True)
class NoPrediction:
    category: Any = None
    ranked: tuple[()] = ()
    version: int | None = None
    hold: bool = False

    def store(self, appeal: Any) -> None:
        return None


NO_PREDICTION = NoPrediction()


def _no_prediction(*, title: str, text: str, territory: Any) -> IntakePrediction:
    return NO_PREDICTION


def _no_fingerprint(appeal: Any) -> models.Model | None:
    return None


def _no_record(*, appeal: Any, department: Any = None, category: Any = None) -> Any:
    return None


def _no_suggestion(appeal_id: int, rank: int) -> Suggested | None:
    return None


# 秒拨 at intake (gongzhi.dispatch, decision 0011): called only when no category was given.
predict_at_intake = _no_prediction
# The unsaved duplicate-check row of a new appeal (gongzhi.hotissues), written with the appeal's
# own statement (decision 0031); None: nothing to write.
fingerprint_row = _no_fingerprint
# A human dispatch choice, which 秒拨 keeps as a training label when it differs from its top
# suggestion (gongzhi.dispatch, decision 0036). Called inside the dispatch transaction.
record_dispatch_choice = _no_record
# The appeal's stored suggestion of a rank (1 = top), its category read with it; None if none.
suggestion = _no_suggestion

DEFAULTS: dict[str, Any] = {
    "predict_at_intake": _no_prediction,
    "fingerprint_row": _no_fingerprint,
    "record_dispatch_choice": _no_record,
    "suggestion": _no_suggestion,
}


def register(**hooks: Any) -> None:
    """Called from an upper app's AppConfig.ready(): register(fingerprint_row=fn, …)."""
    unknown = set(hooks) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown appeals hooks: {sorted(unknown)}")
    globals().update(hooks)


def registered() -> dict[str, Any]:
    """The functions in place now, by hook name (tests restore them with register(**saved))."""
    return {name: globals()[name] for name in DEFAULTS}
