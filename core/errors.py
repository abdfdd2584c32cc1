"""Typed exceptions: every way `core` can refuse input, each with a message a person can act on.

`core` speaks English. Each exception also carries a `code` and the `fields` of its message, so an app can
show it in the reader's language: the templates below are marked with `N_` for the translation catalogues.
"""


def N_(message: str) -> str:
    """Marks a message for translation catalogues; core itself uses it as it is."""
    return message


MESSAGES = {
    # DatasetError
    "cannot_read": N_("cannot read {path}: {reason}"),
    "not_a_file": N_("{path} is not a regular file (a directory, a device or a pipe): give a text file of names"),
    "too_big": N_("the file is {size:,} bytes; the limit is {limit:,} bytes ({limit_mib} MiB)"),
    "binary": N_("the file holds NUL bytes: it looks binary, not a text file of names"),
    "not_utf8": N_("line {line} is not valid UTF-8 (byte 0x{byte:02X}); save the file as UTF-8"),
    "tab": N_("line {line} holds a tab: a name cannot contain it; expected one name per line, not a table"),
    "control_char": N_("line {line} holds the control character U+{codepoint:04X}: a name cannot contain it; "
                       "expected plain text, one name per line (not a binary file)"),
    "line_separator": N_("line {line} holds the Unicode line separator U+{codepoint:04X} inside a name: "
                         "put each name on a line of its own"),
    "invisible_line": N_("line {line} holds only invisible characters (such as U+{codepoint:04X}): "
                         "it would be a name nobody can see"),
    "line_too_long": N_("line {line} is {length} characters long; a name may have at most {limit}"),
    "empty": N_("no names found: the file is empty or has only blank lines"),
    "too_many_chars": N_("the file uses {count} distinct characters; the limit is {limit} "
                         "(a table of that many rows and columns could not be shown)"),
    # UnknownCharacterError
    "unknown_char": N_("{word!r} contains {char!r} (U+{codepoint:04X}), which never occurs in the dataset; "
                       "the model has no row or column for it"),
    # TrainingDiverged
    "diverged": N_("training diverged at step {step} (loss {loss:.4g}): the learning rate or the "
                   "regularisation is too large; the last finite weights were kept"),
}


class CoreError(Exception):
    """An error with a message code and its fields: str(e) is the English message."""

    def __init__(self, code: str, **fields):
        self.code = code
        self.fields = fields
        super().__init__(MESSAGES[code].format(**fields))


class DatasetError(CoreError, ValueError):
    """A word list that cannot be used (empty, not UTF-8, binary, too big, ...)."""


class UnknownCharacterError(CoreError, ValueError):
    """A word holds a character the model's vocabulary has never seen."""

    def __init__(self, char: str, word: str):
        self.char = char
        self.word = word
        super().__init__("unknown_char", word=word, char=char, codepoint=ord(char))


class TrainingDiverged(CoreError, RuntimeError):
    """Training produced a non-finite or exploding loss; `W` holds the last finite weights."""

    def __init__(self, step: int, loss: float, W):
        self.step = step
        self.loss = loss
        self.W = W  # (V, V) the weights before the step that blew up
        super().__init__("diverged", step=step, loss=loss)
