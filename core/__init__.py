"""makemore's bigram model as a small library: load names, count, normalise, score, sample, train.

No Streamlit here: the app, notebooks and `python -m core` all use the same functions.
"""

from .bigrams import breakdown, count_bigrams, nll, nll_from_counts, to_probs
from .corpus import Corpus
from .data import default_data_path, load_words
from .errors import DatasetError, TrainingDiverged, UnknownCharacterError
from .neural import TrainStep, examples, init_weights, train
from .sampling import LECTURE_SEED, sample, trace
from .vocab import Vocab

__all__ = [
    "LECTURE_SEED",
    "Corpus",
    "DatasetError",
    "TrainStep",
    "TrainingDiverged",
    "UnknownCharacterError",
    "Vocab",
    "breakdown",
    "count_bigrams",
    "default_data_path",
    "examples",
    "init_weights",
    "load_words",
    "nll",
    "nll_from_counts",
    "sample",
    "to_probs",
    "trace",
    "train",
]
