"""Coverage-guided fuzzing of the loader and the model built on what it returns (atheris).

Nothing may escape but core.DatasetError. Run by hand for longer:
    python fuzz/fuzz_loader.py -max_total_time=600 fuzz/corpus_loader
CI runs it for a few seconds through tests/test_fuzz.py.
"""

import math
import sys
from pathlib import Path

import atheris
import numpy  # noqa: F401  imported first so that only the project's code is instrumented
import pandas  # noqa: F401
import torch  # noqa: F401

with atheris.instrument_imports():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import core


def check(data: bytes) -> None:
    try:
        words = core.load_words(data, max_bytes=1 << 16)
    except core.DatasetError:
        return
    assert words and all(w and w == w.strip() for w in words)
    vocab = core.Vocab.from_words(words)
    N = core.count_bigrams(words, vocab)
    assert int(N.sum()) == sum(len(w) + 1 for w in words)
    loss = core.nll(words, core.to_probs(N, 0.0), vocab)
    assert math.isfinite(loss) and loss >= 0  # every bigram of the data was counted


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
