"""The sentence encoder: one model per process, safe to share between request threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from matchmaker.engine.embeddings import UniversalSentenceEncoder


def test_threads_sharing_the_encoder_get_what_a_single_thread_gets() -> None:
    texts = [f"vocational training for young people, cohort {i}" for i in range(8)]
    alone = UniversalSentenceEncoder().encode(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda t: UniversalSentenceEncoder().encode([t])[0], texts))
    np.testing.assert_allclose(np.stack(together), alone, atol=1e-5)


def test_vectors_are_unit_length_float32_and_translations_are_close() -> None:
    fr, en, other = UniversalSentenceEncoder().encode(
        [
            "formation professionnelle des jeunes",
            "vocational skills training for youth",
            "employment injury insurance",
        ]
    )
    assert fr.dtype == np.float32 and abs(float(fr @ fr) - 1.0) < 1e-5
    assert float(fr @ en) > 0.75 > 0.35 > float(fr @ other)
