"""The two small logistic models that weigh search features, read from a shipped JSON file.

They are calibrated by `bench/answering.py --fit` on the development part of a labelled set of
customer questions (`bench/data/answering/`); every weight is a number a person can read, and
the file says what it was fitted on. The threshold that turns the probability into a decision
is policy, not part of this file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from pydantic import BaseModel, ConfigDict

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "answering_model.json"


class Logistic(BaseModel):
    """A linear score over named features, read as a probability through the logistic curve."""

    model_config = ConfigDict(frozen=True)

    weights: dict[str, float]
    bias: float = 0.0

    def score(self, features: dict[str, float]) -> float:
        """The linear score; a feature the model does not weigh counts for nothing."""
        return self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())

    def probability(self, features: dict[str, float]) -> float:
        """The calibrated probability, 0..1."""
        score = max(min(self.score(features), 40.0), -40.0)
        return 1.0 / (1.0 + math.exp(-score))


class AnsweringModel(BaseModel):
    """How articles are ranked, and how likely the first one answers the question."""

    model_config = ConfigDict(frozen=True)

    ranker: Logistic
    answerable: Logistic
    fitted_on: str = ""

    @classmethod
    def shipped(cls) -> AnsweringModel:
        """The model shipped with the product."""
        return cls.load(SHIPPED)

    @classmethod
    def load(cls, path: Path) -> AnsweringModel:
        """Read a model file written by `bench/answering.py --fit`."""
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))

    def save(self, path: Path) -> None:
        """Write the model as readable JSON."""
        path.write_text(self.model_dump_json(indent=2) + "\n", encoding="utf-8")
