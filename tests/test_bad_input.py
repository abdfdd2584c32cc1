"""The bad-input catalogue: each file either works or gives a clear message, through core and the app;
each command line either gives a correct result or one clear line on stderr and exit 2.

One table drives both file tests: `core.load_words` must return the expected words or raise DatasetError with
the expected words in its message; the app's upload must show the same outcome, stay up, and keep
the previous dataset when the file is refused. A second table drives `python -m core`.
"""

import json
import math
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import core
from core.bigram import uniform_probs
from core.cli import main as cli_main
from core.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES, MAX_LINE_CHARS, MAX_DISTINCT_CHARS = SETTINGS.max_bytes, SETTINGS.max_line_chars, SETTINGS.max_distinct_chars

# name -> (file bytes, expected words or None, words the refusal must contain)
CATALOGUE = {
    "empty file": (b"", None, "no names found"),
    "only blank lines": (b"\n  \n \n\r\n", None, "no names found"),
    "CRLF": (b"emma\r\nava\r\n", ["emma", "ava"], None),
    "old Mac CR": (b"emma\rava\r", ["emma", "ava"], None),
    "UTF-8 BOM": (b"\xef\xbb\xbfemma\nava\n", ["emma", "ava"], None),
    "latin-1 bytes": ("emma\nzoë\n".encode("latin-1"), None, "line 2 is not valid UTF-8"),
    "binary file": (bytes(range(256)) * 4, None, "binary"),
    "control character": (b"emma\nav\x07a\n", None, "control character"),
    "a tab (a table, not a list)": (b"emma\t3\nava\t5\n", None, "line 1 holds a tab"),
    "exactly at the size cap": (b"emma\n" + b" " * (MAX_BYTES - 5), ["emma"], None),
    "one byte over the size cap": (b"emma\n" + b" " * (MAX_BYTES - 4), None,
                                   "the file is 10,485,761 bytes; the limit is 10,485,760 bytes (10 MiB)"),
    "line over the length cap": (b"a" * (MAX_LINE_CHARS + 1) + b"\n", None, "line 1 is 65 characters"),
    "mixed case": (b"Emma\nava\n", ["Emma", "ava"], None),
    "padded lines": (b"  emma \n ava \n", ["emma", "ava"], None),
    "duplicates": (b"emma\nemma\nava\n", ["emma", "emma", "ava"], None),
    "unicode names": ("zoë\n李小龙\nさくら\n".encode(), ["zoë", "李小龙", "さくら"], None),
    "NFD input": (unicodedata.normalize("NFD", "zoë\n").encode(), ["zoë"], None),
    "marks NFC keeps apart (Yoruba)": ("ọ́lá\nade\n".encode(), [unicodedata.normalize("NFC", "ọ́lá"), "ade"], None),
    "a literal dot": (b"st.john\nava\n", ["st.john", "ava"], None),
    "too many distinct characters": (
        "\n".join(chr(0x4E00 + i) * 2 for i in range(MAX_DISTINCT_CHARS + 1)).encode(),
        None,
        "distinct characters",
    ),
    "a line of zero width joiners": ("emma\n\u200d\u200d\nava\n".encode(), None,
                                     "line 2 holds only invisible characters (such as U+200D)"),
    "a line of a soft hyphen": ("emma\nava\n\u00ad\n".encode(), None, "line 3 holds only invisible"),
    "a byte order mark mid-file": ("emma\n\ufeff\nava\n".encode(), None, "line 2 holds only invisible"),
    "a Hangul filler": ("\u3164\nemma\n".encode(), None, "line 1 holds only invisible characters (such as U+3164)"),
    "variation selectors and a word joiner": ("emma\n\ufe0f\u2060\n".encode(), None, "line 2 holds only invisible"),
    "a blank braille pattern": ("emma\n\u2800\n".encode(), None, "line 2 holds only invisible"),
    "U+2028 inside a name": ("emma\nmary\u2028ann\n".encode(), None, "line 2 holds the Unicode line separator U+2028"),
    "U+2029 inside a name": ("mary\u2029ann\n".encode(), None, "line 1 holds the Unicode line separator U+2029"),
}


def plain(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize("case", CATALOGUE, ids=str)
def test_the_loader(case):
    data, expected, refusal = CATALOGUE[case]
    if expected is not None:
        assert core.load_words(data) == expected
    else:
        with pytest.raises(core.DatasetError, match=re.escape(refusal)):
            core.load_words(data)


@pytest.mark.parametrize("case", CATALOGUE, ids=str)
def test_the_app_upload(case):
    data, expected, refusal = CATALOGUE[case]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.sidebar.file_uploader(key="upload").set_value(("w.txt", b"emma\nava\nolivia\n", "text/plain")).run()
    at.sidebar.file_uploader(key="upload").set_value((f"{case}.txt", data, "text/plain")).run()
    assert not at.exception
    names = {m.label: m.value for m in at.metric}["Names"]
    if expected is not None:
        assert not at.sidebar.error
        assert names == f"{len(expected):,}"
    else:
        assert refusal in plain(at.sidebar.error[0].value)
        assert names == "3"  # the previous dataset stays loaded


def test_a_dot_in_the_data_never_merges_with_the_boundary():
    words = core.load_words(b"st.john\nava\n")
    vocab = core.Vocab.from_words(words)
    assert vocab.itos[0] == "<.>" and "." in vocab.itos[1:]
    N = core.count_bigrams(words, vocab)
    dot = vocab.stoi["."]
    assert N[vocab.stoi["t"], dot] == 1 and N[dot, vocab.stoi["j"]] == 1
    assert N[0].sum() == 2 and N[:, 0].sum() == 2  # two names start and end at the boundary


# --- the command line -----------------------------------------------------------------------------------

WORDS = ["emma", "olivia", "ava", "zoë", "李小龙", "ava"]


@pytest.fixture
def small(tmp_path):
    f = tmp_path / "small.txt"
    f.write_text("\n".join(WORDS) + "\n", encoding="utf-8")
    return str(f)


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli_main(argv)
    except SystemExit as e:  # argparse's refusals
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def one_clear_line(code: int, err: str, says: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    assert says in lines[0], lines[0]


def uniform_names(method: str) -> list[str]:
    vocab = core.Vocab.from_words(WORDS)
    return core.sample(uniform_probs(len(vocab)), vocab, 5, method=method)


def check_huge_smoothing_names(method):
    def check(out, data):  # every row of P is uniform to the last bit: the uniform model's names
        assert out.splitlines() == uniform_names(method)
    return check


def check_huge_smoothing_score(out, data):
    V = len(core.Vocab.from_words(WORDS))
    result = json.loads(out)["ava"]
    assert [b["prob"] for b in result["bigrams"]] == [1 / V] * 4 and result["nll"] == pytest.approx(math.log(V))


def check_seed_top(out, data):
    vocab = core.Vocab.from_words(WORDS)
    P = core.to_probs(core.count_bigrams(WORDS, vocab), 1.0)
    assert out.splitlines() == core.sample(P, vocab, 5, seed=2**64 - 1)


def check_no_negative_zero(out, data):
    assert "-0.0000" not in out and "0.0000" in out


def check_small_smoothing(out, data):
    rows = dict(line.split(maxsplit=1) for line in out.splitlines())
    assert rows["smoothing"] == "1e-300" and rows["nll"] == "0.0000"  # every bigram has P = 1: loss 0


def check_huge_smoothing_stats(out, data):
    rows = dict(line.split(maxsplit=1) for line in out.splitlines())
    assert rows["smoothing"] == "1e+300" and rows["nll"] == f"{math.log(len(core.Vocab.from_words(WORDS))):.4f}"


# name -> (arguments, the one-line refusal's words, or a check of a correct result's stdout); {data} is the list
CLI_CATALOGUE = {
    "sample, smoothing past a row sum's overflow": (["sample", "--smoothing", "7e306"],
                                                     check_huge_smoothing_names("lecture")),
    "sample --method torch, smoothing 1e308": (["sample", "--smoothing", "1e308", "--method", "torch"],
                                               check_huge_smoothing_names("torch")),
    "score, the largest float as smoothing": (["score", "ava", "--smoothing", "1.7976931348623157e308", "--json"],
                                              check_huge_smoothing_score),
    "smoothing past the largest float": (["stats", "--smoothing", "1e309"], "--smoothing must be between 0 and"),
    "negative smoothing": (["stats", "--smoothing", "-1"], "--smoothing must be between 0 and"),
    "smoothing nan": (["score", "ava", "--smoothing", "nan"], "--smoothing must be between 0 and"),
    "train --reg -1": (["train", "--reg", "-1"], "--reg must be between 0 and 100"),
    "train --lr 1e300": (["train", "--lr", "1e300"], "--lr must be between 0 and 1e+07"),
    "train --reg 1e300": (["train", "--reg", "1e300"], "--reg must be between 0 and 100"),
    "train --lr 1e6 (diverges)": (["train", "--lr", "1e6"], "training diverged at step 1"),
    "train --steps -1": (["train", "--steps", "-1"], "--steps must be between 0 and"),
    "train --smoothing 7 (train has no smoothing)": (["train", "--smoothing", "7"], "unrecognized arguments"),
    "sample -n -5": (["sample", "-n", "-5"], "-n must be between 0 and 100000"),
    "sample -n 1.5": (["sample", "-n", "1.5"], "-n must be a number"),
    "seed 2**64": (["sample", "--seed", str(2**64)], "the seed must be an integer from 0 to 2**64 - 1"),
    "seed -1": (["sample", "--seed", "-1"], "the seed must be an integer from 0 to 2**64 - 1"),
    "seed 2**64 - 1": (["sample", "--seed", str(2**64 - 1)], check_seed_top),
    "an NLL of exactly 0 (every P is 1)": (["score", "ab", "--smoothing", "0", "--data", "{one}"],
                                          check_no_negative_zero),
    "stats, smoothing 1e-300": (["stats", "--smoothing", "1e-300", "--data", "{one}"], check_small_smoothing),
    "stats, smoothing 1e300": (["stats", "--smoothing", "1e300"], check_huge_smoothing_stats),
    "score ''": (["score", ""], "an empty name cannot be scored"),
    "score a character the data lacks": (["score", "emmaq"], "'emmaq' contains 'q' (U+0071)"),
    "a missing file": (["stats", "--data", "{missing}"], "No such file or directory"),
    "a directory": (["stats", "--data", "{dir}"], "is not a regular file"),
}


@pytest.mark.parametrize("case", CLI_CATALOGUE, ids=str)
def test_the_command_line(case, small, tmp_path, capsys):
    argv, expect = CLI_CATALOGUE[case]
    one = tmp_path / "one.txt"
    one.write_text("ab\n")  # one name: every bigram has P = 1 at smoothing 0
    paths = {"data": small, "one": str(one), "missing": str(tmp_path / "nope.txt"), "dir": str(tmp_path)}
    argv = [a.format(**paths) for a in argv]
    if "--data" not in argv:
        argv += ["--data", small]
    code, out, err = run_cli(argv, capsys)
    if callable(expect):
        assert code == 0 and err == "", err
        expect(out, small)
    else:
        one_clear_line(code, err, expect)
        assert out == "" or "diverged" in expect  # training prints the steps it made before it diverged


SHELL_PROBE = """
import contextlib, io, sys
from core.cli import main
for source in sys.argv[1:]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["stats", "--data", source])
    print(code, err.getvalue().strip())
"""


def test_a_device_or_a_pipe_as_data_is_refused_without_reading_or_waiting(tmp_path):
    fifo = str(tmp_path / "names.fifo")
    os.mkfifo(fifo)
    env = {k: v for k, v in os.environ.items() if k != "MAKEMORE_DATA"}
    # a subprocess with a timeout: a CLI that reads /dev/zero forever or waits on the pipe fails here, not hangs
    proc = subprocess.run([sys.executable, "-c", SHELL_PROBE, "/dev/zero", fifo], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for source, line in zip(["/dev/zero", fifo], proc.stdout.splitlines(), strict=True):
        code, err = line.split(" ", 1)
        one_clear_line(int(code), err, f"{source} is not a regular file")
