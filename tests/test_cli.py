"""`python -m core`: outputs, --json, and exit code 2 with one clear stderr line (never a traceback) on bad input."""

import itertools
import json
import math
import os
import subprocess
import sys

import pytest
import reference as ref  # tests/reference.py

from core.cli import main, number

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORDS = ["emma", "olivia", "ava", "zoë", "李小龙", "ava"]


@pytest.fixture
def small(tmp_path):
    f = tmp_path / "small.txt"
    f.write_text("\n".join(WORDS) + "\n", encoding="utf-8")
    return str(f)


def run(argv: list[str]) -> int:
    """main's exit code, whether it returns it or raises SystemExit."""
    try:
        return main(argv)
    except SystemExit as e:
        return e.code


def run_json(argv, capsys):
    assert run([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    return json.loads(out)


def python_m_core(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MAKEMORE_DATA"}
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_one_clear_error(code, err: str, *words: str):
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0]


# --- outputs -------------------------------------------------------------------------------


def test_stats_json_matches_the_reference(small, capsys):
    stats = run_json(["stats", "--data", small, "--smoothing", "0"], capsys)
    assert stats["names"] == len(WORDS) and stats["distinct_names"] == len(set(WORDS))
    assert (stats["shortest"], stats["longest"]) == (3, 6)
    assert stats["bigrams"] == sum(len(w) + 1 for w in WORDS)
    assert stats["vocab_size"] == len(ref.alphabet(WORDS)) + 1
    assert stats["nll"] == pytest.approx(ref.nll(WORDS, 0, WORDS), rel=1e-12)


def test_stats_text(small, capsys):
    assert run(["stats", "--data", small]) == 0
    rows = dict(line.split(maxsplit=1) for line in capsys.readouterr().out.splitlines())
    assert rows["names"] == "6" and rows["bigrams"] == str(sum(len(w) + 1 for w in WORDS))
    assert rows["nll"] == f"{ref.nll(WORDS, 1, WORDS):.4f}"


def test_the_data_defaults_to_makemore_data(small, capsys, monkeypatch):
    monkeypatch.setenv("MAKEMORE_DATA", small)
    assert run_json(["stats"], capsys)["names"] == len(WORDS)


def test_score_prints_a_table_per_word(small, capsys):
    assert run(["score", "zoë", "ava", "--data", small]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["bigram", "count", "prob", "logprob", "nll"]
    for word in ("zoë", "ava"):
        assert f"{word}: average NLL {ref.nll(WORDS, 1, [word]):.4f}" in out
    assert "李小" not in out and ".z" in out and "ë." in out


def test_score_json_writes_infinity_as_a_string(small, capsys):
    result = run_json(["score", "emmo", "ava", "--data", small, "--smoothing", "0"], capsys)
    assert result["emmo"]["nll"] == "inf"
    mo = next(b for b in result["emmo"]["bigrams"] if b["bigram"] == "mo")
    assert (mo["count"], mo["prob"], mo["logprob"], mo["nll"]) == (0, 0.0, "-inf", "inf")
    assert result["ava"]["nll"] == pytest.approx(ref.nll(WORDS, 0, ["ava"]), rel=1e-12)
    assert [b["bigram"] for b in result["ava"]["bigrams"]] == [".a", "av", "va", "a."]


def test_sample(small, capsys):
    names = run_json(["sample", "--data", small, "-n", "7", "--seed", "3"], capsys)
    assert len(names) == 7 and all(set(n) <= set(ref.alphabet(WORDS)) for n in names)
    assert run(["sample", "--data", small, "-n", "7", "--seed", "3"]) == 0
    assert capsys.readouterr().out.splitlines() == names
    assert (
        run_json(["sample", "--data", small, "-n", "7", "--seed", "3", "--method", "torch"], capsys) != names
    )


def test_train(small, capsys):
    result = run_json(["train", "--data", small, "--steps", "4", "--lr", "1"], capsys)
    losses = result["losses"]
    assert len(losses) == 4 and result["final_loss"] == losses[-1]
    assert all(b < a for a, b in itertools.pairwise(losses))
    assert run(["train", "--data", small, "--steps", "4", "--lr", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split() for line in lines] == [
        ["step", str(i), "loss", f"{x:.4f}"] for i, x in enumerate(losses)
    ]


def test_lecture_stats_sample_and_train(lecture_path, capsys):
    stats = run_json(["stats", "--data", str(lecture_path), "--smoothing", "0"], capsys)
    assert (stats["names"], stats["bigrams"], round(stats["nll"], 4)) == (32_033, 228_146, 2.4540)
    names = run_json(["sample", "--data", str(lecture_path)], capsys)
    assert names == ["mor", "axx", "minaymoryles", "kondlaisah", "anchshizarie"]
    losses = run_json(["train", "--data", str(lecture_path), "--steps", "100"], capsys)["losses"]
    assert round(losses[0], 4) == 3.7686 and round(losses[-1], 2) == 2.49


def test_score_andrej_from_a_shell(lecture_path, lecture_words):
    proc = python_m_core("score", "andrej", "--data", str(lecture_path), "--smoothing", "1")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["bigram", "count", "prob", "logprob", "nll"]
    assert "andrej: average NLL 3.0368" in proc.stdout  # LECTURE.md, step 7
    counts = ref.count(lecture_words)  # each row by brute force: count, (count + 1) / (row + 27), its log
    for line, (a, b) in zip(lines[1:8], ref.pairs("andrej"), strict=True):
        n = counts.get((a, b), 0)
        p = (n + 1) / (sum(c for (x, _), c in counts.items() if x == a) + 27)
        label = (a or ".") + (b or ".")
        assert line.split() == [label, str(n), f"{p:.4f}", f"{math.log(p):.4f}", f"{-math.log(p):.4f}"]


# --- errors: exit 2, one line on stderr ----------------------------------------------------


def write(tmp_path, data: bytes) -> str:
    f = tmp_path / "bad.txt"
    f.write_bytes(data)
    return str(f)


@pytest.mark.parametrize(
    "data, says",
    [
        (b"", "no names"),
        (b"\n  \n", "no names"),
        (b"emma\n\xffava\n", "line 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "NUL"),
        (b"emma\nav\x07a\n", "U+0007"),
        (b"a" * 65 + b"\n", "65"),
    ],
)
def test_a_bad_file(tmp_path, capsys, data, says):
    for command in (["stats"], ["score", "emma"], ["sample"], ["train"]):
        code = run([*command, "--data", write(tmp_path, data)])
        assert_one_clear_error(code, capsys.readouterr().err, says)


@pytest.mark.parametrize("arg", ["a\rb", "a\nb", "a\u2028b", "x\x1by"])
def test_a_line_break_in_an_argument_cannot_split_the_error_line(small, tmp_path, capsys, arg):
    for argv in (["stats", arg], ["stats", "--data", str(tmp_path / arg)], ["sample", "-n", arg, "--data", small]):
        code = run(argv)
        assert_one_clear_error(code, capsys.readouterr().err, repr(arg)[1:-1])


def test_a_missing_file(tmp_path, capsys):
    missing = str(tmp_path / "nope.txt")
    assert_one_clear_error(run(["stats", "--data", missing]), capsys.readouterr().err, missing)


@pytest.mark.parametrize("word, char", [("emmaq", "'q'"), ("a.b", "'.'"), ("李四", "U+56DB")])
def test_an_unknown_character(small, capsys, word, char):
    code = run(["score", "ava", word, "--data", small])
    captured = capsys.readouterr()
    assert_one_clear_error(code, captured.err, char)


@pytest.mark.parametrize("k", ["-1", "nan", "inf"])
def test_bad_smoothing(small, capsys, k):
    for command in (["stats"], ["score", "ava"], ["sample"]):
        assert_one_clear_error(
            run([*command, "--data", small, f"--smoothing={k}"]), capsys.readouterr().err, "smoothing"
        )


@pytest.mark.parametrize("args", [["--lr", "1e6"], ["--lr", "inf"], ["--steps", "-1"], ["--reg", "nan"]])
def test_train_refuses_or_stops_cleanly(small, capsys, args):
    code = run(["train", "--data", small, "--steps", "50", *args])
    assert_one_clear_error(code, capsys.readouterr().err)


def test_errors_from_a_shell_have_no_traceback(tmp_path):
    missing = python_m_core("stats", "--data", str(tmp_path / "nope.txt"))
    assert_one_clear_error(missing.returncode, missing.stderr, "nope.txt")
    assert missing.stdout == ""


def test_training_that_diverges_says_so_in_one_line(small, capsys):
    code = run(["train", "--data", small, "--lr", "1e6", "--json"])
    captured = capsys.readouterr()
    assert_one_clear_error(code, captured.err, "diverged")
    assert captured.out == ""  # --json prints nothing but the result, and there is none


@pytest.mark.parametrize("x, shown", [
    (0.0, "0.0000"), (-0.0, "0.0000"), (2.45459, "2.4546"), (3.03675, "3.0368"), (1e-4, "0.0001"),
    (1e-300, "1e-300"), (1e300, "1e+300"), (123456.0, "123456.0000"), (1e15, "1e+15"), (-2.5, "-2.5000"),
    (math.inf, "inf"), (-math.inf, "-inf"),
])
def test_numbers_print_as_the_lecture_prints_them(x, shown):
    assert number(x) == shown
