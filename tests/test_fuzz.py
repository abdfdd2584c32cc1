"""Fuzzing: arbitrary bytes into the loader, arbitrary arguments into the CLI; only clear refusals escape.

Hypothesis runs in every test run; the atheris targets in fuzz/ run a few seconds here and longer by
hand (see fuzz/README.md).
"""

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core
from core.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent


@settings(max_examples=300, deadline=None)
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
                     "--method", "--json", "lecture", "fast", "andrej", "0", "-1", "1e6", "nan", "inf", "x!"])
    | st.text(max_size=6),
    max_size=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
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


@pytest.mark.parametrize("target", ["fuzz_loader.py", "fuzz_cli.py"])
def test_the_atheris_targets_find_no_crash_briefly(target):
    pytest.importorskip("atheris", reason="atheris is not installed")
    run = subprocess.run([sys.executable, str(ROOT / "fuzz" / target), "-max_total_time=8", "-seed=1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Done" in run.stderr
