"""core.errors: every refusal has a code, the fields of its message, and an English message made from both."""

import re

import pytest
import torch

import core
from core.errors import MESSAGES, CoreError

# one example of the fields each message template takes
FIELDS = {
    "cannot_read": {"path": "x.txt", "reason": "No such file or directory"},
    "not_a_file": {"path": "/dev/zero"},
    "too_big": {"size": 10 * 2**20 + 1, "limit": 10 * 2**20, "limit_mib": "10"},
    "binary": {},
    "not_utf8": {"line": 3, "byte": 0xFF},
    "tab": {"line": 2},
    "control_char": {"line": 2, "codepoint": 7},
    "line_separator": {"line": 3, "codepoint": 0x2028},
    "invisible_line": {"line": 4, "codepoint": 0x200D},
    "line_too_long": {"line": 1, "length": 65, "limit": 64},
    "empty": {},
    "too_many_chars": {"count": 257, "limit": 256},
    "unknown_char": {"word": "emmaq", "char": "q", "codepoint": ord("q")},
    "diverged": {"step": 3, "loss": 33.76},
}


def test_every_message_has_an_example_and_takes_exactly_its_fields():
    assert set(FIELDS) == set(MESSAGES)
    for code, template in MESSAGES.items():
        named = {m.split("!")[0].split(":")[0] for m in re.findall(r"{([^{}]+)}", template)}
        assert named == set(FIELDS[code]), code


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_the_message_is_the_template_filled_with_the_fields(code):
    e = CoreError(code, **FIELDS[code])
    assert (e.code, e.fields) == (code, FIELDS[code])
    assert str(e) == MESSAGES[code].format(**FIELDS[code]) and "{" not in str(e)


def test_the_exceptions_carry_what_an_app_needs():
    e = core.UnknownCharacterError("q", "emmaq")
    assert (e.code, e.char, e.word, e.fields["codepoint"]) == ("unknown_char", "q", "emmaq", 0x71)
    assert isinstance(e, ValueError) and isinstance(core.DatasetError("empty"), ValueError)
    W = torch.zeros(2, 2)
    d = core.TrainingDiverged(3, 33.76, W)
    assert isinstance(d, RuntimeError) and (d.step, d.loss, d.W) == (3, 33.76, W)
    assert str(d).startswith("training diverged at step 3 (loss 33.76)")
