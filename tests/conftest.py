"""Shared fixtures: paths to the app and to the lecture's dataset (read, never copied); Hypothesis profiles."""

from pathlib import Path

import hypothesis_support  # noqa: F401  registers and loads the Hypothesis profile (HYPOTHESIS_PROFILE)
import pytest
import torch

# One intra-op thread: on this shared 2-core machine a second thread makes torch's many small ops ~15x slower.
torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parent.parent
LECTURE_DATA = ROOT.parent / "shared" / "data" / "names.txt"


@pytest.fixture(scope="session")
def lecture_path() -> Path:
    if not LECTURE_DATA.exists():
        pytest.skip(f"the lecture's names.txt is not at {LECTURE_DATA} (CI has it there)")
    return LECTURE_DATA


@pytest.fixture(scope="session")
def lecture_words(lecture_path) -> list[str]:
    import core

    return core.load_words(lecture_path)


@pytest.fixture(scope="session")
def lecture_corpus(lecture_path):
    import core

    return core.Corpus.from_bytes(lecture_path.read_bytes(), "names.txt")
