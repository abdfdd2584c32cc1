"""Typed exceptions: every way `core` can refuse input, each with a message a person can act on."""


class DatasetError(ValueError):
    """A word list that cannot be used (empty, not UTF-8, binary, too big, ...)."""


class UnknownCharacterError(ValueError):
    """A word holds a character the model's vocabulary has never seen."""

    def __init__(self, char: str, word: str):
        self.char = char
        self.word = word
        super().__init__(
            f"{word!r} contains {char!r} (U+{ord(char):04X}), which never occurs in the dataset; "
            "the model has no row or column for it"
        )


class TrainingDiverged(RuntimeError):
    """Training produced a non-finite or exploding loss; `W` holds the last finite weights."""

    def __init__(self, step: int, loss: float, W):
        self.step = step
        self.loss = loss
        self.W = W  # (V, V) the weights before the step that blew up
        super().__init__(
            f"training diverged at step {step} (loss {loss:.4g}): the learning rate or the "
            "regularisation is too large; the last finite weights were kept"
        )
