"""makemore's bigram model as a small library, in the lecture's order.

settings  every knob in one place
data      load a word list, its vocabulary of symbols, a train/dev/test split
bigram    count bigrams into N, rows into P, the average negative log-likelihood
sampling  draw names from P, reproducibly for a seed
neural    the same model as a one-layer net trained by gradient descent, and what it learned
ngram     counting models with more characters of context
evaluation  a name's rank, held-out loss against smoothing and regularisation, samples against data
compare   two datasets over one alphabet
snippets  plain-PyTorch scripts that recompute a page's numbers;  cli  `python -m core`

No Streamlit here: the app, notebooks and `python -m core` all use the same functions.
"""

from .bigram import Corpus, breakdown, count_bigrams, nll, nll_from_counts, to_probs
from .data import Vocab, default_data_path, load_words
from .errors import DatasetError, TrainingDiverged, UnknownCharacterError
from .neural import TrainStep, forward, init_weights, train
from .sampling import LECTURE_SEED, sample, trace
from .settings import SETTINGS

__all__ = [
    "LECTURE_SEED",
    "SETTINGS",
    "Corpus",
    "DatasetError",
    "TrainStep",
    "TrainingDiverged",
    "UnknownCharacterError",
    "Vocab",
    "breakdown",
    "count_bigrams",
    "default_data_path",
    "forward",
    "init_weights",
    "load_words",
    "nll",
    "nll_from_counts",
    "sample",
    "to_probs",
    "trace",
    "train",
]
