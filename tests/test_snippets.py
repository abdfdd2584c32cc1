"""'Show me the code': the plain-PyTorch scripts print the numbers the pages show."""

import contextlib
import io

import core
from core import snippets


def run(code: str) -> str:
    """What the script prints, run as a script of its own would be: fresh globals, compiled from its text.
    In this process rather than a new one: torch is imported already, and each new one costs seconds."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<snippet>", "exec"), {"__name__": "__main__"})
    return out.getvalue()


def test_counting_code_gives_the_lecture_nll(lecture_path):
    assert run(snippets.counting_code(str(lecture_path), 1.0)).strip() == "bigrams 228146, average NLL 2.4546"


def test_loss_code_gives_andrejq(lecture_path):
    assert run(snippets.loss_code(str(lecture_path), 1.0, "andrejq")).splitlines()[-1] == "average NLL 3.4834"
    assert run(snippets.loss_code(str(lecture_path), 0.0, "andrejq")).splitlines()[-1] == "average NLL inf"


def test_sampling_code_gives_the_lecture_names(lecture_path):
    out = run(snippets.sampling_code(str(lecture_path), 1.0, 2147483647, 5)).split()
    assert out == ["mor", "axx", "minaymoryles", "kondlaisah", "anchshizarie"]


def test_training_code_gives_the_lecture_losses(lecture_path, lecture_corpus):
    out = run(snippets.training_code(str(lecture_path), 2, 50.0, 0.01, 2147483647)).splitlines()
    assert out[0] == "step 0 loss 3.7686"  # LECTURE.md, step 10
    # the next step: the script's autograd over one-hot rows and core's closed-form step agree
    assert out == [f"step {s.step} loss {s.loss:.4f}" for s in core.train(lecture_corpus.counts, 2, lr=50.0, reg=0.01)]


def test_a_file_name_is_a_string_literal_not_code(tmp_path):
    evil = tmp_path / 'x"); print("pwned'
    evil.write_text("emma\nava\n")
    assert "pwned" not in run(snippets.counting_code(str(evil), 1.0))
