"""Fuzzing: arbitrary bytes into the loader, arbitrary arguments into the CLI; only clear refusals escape.

Hypothesis runs in every test run; the atheris targets in fuzz/ run a few seconds here and longer by
hand (see fuzz/README.md).
"""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_support import budget

import core
from core.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent


@budget(300)
@given(st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_the_loader_refuses_only_with_dataset_error(data):
    try:
        words = core.load_words(data)
    except core.DatasetError as e:
        assert str(e)
        return
    vocab = core.Vocab.from_words(words)
    assert int(core.count_bigrams(words, vocab).sum()) == sum(len(w) + 1 for w in words)


ARGS = st.lists(
    st.sampled_from(["stats", "score", "sample", "train", "--smoothing", "--seed", "-n", "--lr", "--reg",
                     "--method", "--json", "lecture", "torch", "fast", "andrej", "", "0", "-1", "-5", "1e6", "nan",
                     "inf", "x!", "1e300", "1e-300", "7e306", "1e309", str(2**64), str(2**64 - 1), "-0"])
    | st.text(max_size=6),
    max_size=6,
)


@budget(150)
@given(ARGS)
def test_the_cli_ends_in_a_clear_exit(capsys, argv):
    argv = [*argv, "--data", str(ROOT / "fuzz" / "tiny.txt")]
    try:
        code = cli_main(argv)
    except SystemExit as e:  # argparse's usage errors
        code = e.code
    err = capsys.readouterr().err
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err


@pytest.mark.parametrize("target", ["fuzz_loader.py", "fuzz_cli.py"])
def test_the_atheris_targets_find_no_crash_briefly(target):
    pytest.importorskip("atheris", reason="atheris is not installed")
    run = subprocess.run([sys.executable, str(ROOT / "fuzz" / target), "-max_total_time=8", "-seed=1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Done" in run.stderr
