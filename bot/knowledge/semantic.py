"""Sentence vectors from a static word-embedding model that ships inside its package.

WordLlama's 256-dimensional "l2_supercat" token embeddings are in the wordllama wheel itself, so
nothing is downloaded at run time (the library's own loader would look for the tokenizer on the
network; this module opens the packaged files directly). Embedding a sentence is a table look-up
and an average: about 0.1 ms, cheap enough for every message.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import wordllama
from safetensors import safe_open
from tokenizers import Tokenizer
from wordllama.inference import WordLlamaInference

Vectors = npt.NDArray[np.float32]
_MODEL = "l2_supercat"
_DIM = 256
REMEMBERED_BATCHES = 12


class Embedder:
    """Turn texts into unit-length vectors whose dot product is their cosine similarity."""

    def __init__(self, model: WordLlamaInference) -> None:
        self._model = model
        # Batches embedded at start-up (a knowledge base's sections), kept for the next start
        # of the same base in this process: replicas in tests and reloads cost nothing then.
        self._batches: dict[tuple[str, ...], Vectors] = {}

    @classmethod
    def from_package(cls) -> Embedder:
        """Load the model files shipped inside the wordllama package; never touches a network."""
        root = Path(wordllama.__file__).parent
        tokenizer = Tokenizer.from_file(
            str(root / "tokenizers" / f"{_MODEL}_tokenizer_config.json")
        )
        with safe_open(str(root / "weights" / f"{_MODEL}_{_DIM}.safetensors"), "np") as weights:
            table = weights.get_tensor("embedding.weight")
        return cls(WordLlamaInference(table, tokenizer))

    def embed(self, texts: list[str]) -> Vectors:
        """One normalised row per text (a zero row for a text with no known token)."""
        if not texts:
            return np.zeros((0, _DIM), dtype=np.float32)
        with np.errstate(invalid="ignore", divide="ignore"):
            vectors = np.asarray(self._model.embed(texts, norm=True), dtype=np.float32)
        return np.nan_to_num(vectors)

    def embed_remembered(self, texts: list[str]) -> Vectors:
        """Like `embed`, for a batch that is embedded again and again (the base's sections)."""
        key = tuple(texts)
        vectors = self._batches.get(key)
        if vectors is None:
            if len(self._batches) >= REMEMBERED_BATCHES:
                self._batches.clear()
            vectors = self._batches[key] = self.embed(texts)
        return vectors


@lru_cache(maxsize=1)
def packaged_embedder() -> Embedder:
    """The process's embedder: read-only weights, loaded once on first use."""
    return Embedder.from_package()
