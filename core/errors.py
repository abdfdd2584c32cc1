"""Typed exceptions: every way `core` can refuse input, each with a message a person can act on.

core speaks English; an exception that the app shows also carries `code` (a key of MESSAGES) and `fields` (the
numbers, characters and names that fill its template), so the app can show it in the reader's language:
ui.i18n.error_message looks the template up in the translators' catalogue, where Babel put it from the N_ marks.
"""


def N_(message: str) -> str:
    """Marks a template for the translators' catalogue (Babel extracts N_ calls); returns it unchanged."""
    return message


MESSAGES = {
    "unknown_character": N_(
        "{word!r} contains {char!r} (U+{codepoint}), which never occurs in the dataset; "
        "the model has no row or column for it"
    ),
    "training_diverged": N_(
        "training diverged at step {step} (loss {loss:.4g}): the learning rate or the "
        "regularisation is too large; the last finite weights were kept"
    ),
}


class CoreError(Exception):
    """An exception whose English text is MESSAGES[code] filled with `fields`."""

    def __init__(self, code: str, **fields):
        self.code = code
        self.fields = fields
        super().__init__(MESSAGES[code].format(**fields))


class DatasetError(ValueError):
    """A word list that cannot be used (empty, not UTF-8, binary, too big, ...)."""


class UnknownCharacterError(CoreError, ValueError):
    """A word holds a character the model's vocabulary has never seen."""

    def __init__(self, char: str, word: str):
        self.char = char
        self.word = word
        super().__init__("unknown_character", word=word, char=char, codepoint=f"{ord(char):04X}")


class TrainingDiverged(CoreError, RuntimeError):
    """Training produced a non-finite or exploding loss; `W` holds the last finite weights."""

    def __init__(self, step: int, loss: float, W):
        self.step = step
        self.loss = loss
        self.W = W  # (V, V) the weights before the step that blew up
        super().__init__("training_diverged", step=step, loss=loss)
