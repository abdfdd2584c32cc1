"""Fuzzing the command line: any argument list ends in a clear exit (0 or 2), never a traceback.

    python fuzz/fuzz_cli.py -max_total_time=600
"""

import contextlib
import io
import sys
from pathlib import Path

import atheris
import numpy  # noqa: F401  imported first so that only the project's code is instrumented
import pandas  # noqa: F401
import torch  # noqa: F401

with atheris.instrument_imports():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from core.cli import main as cli_main

WORDS = ["stats", "score", "sample", "train", "--smoothing", "--seed", "-n", "--steps", "--lr", "--reg",
         "--method", "--json", "--data", "lecture", "torch", "fast", "onehot", "andrej", "0", "1", "-1",
         "1e6", "nan", "inf", "-inf", "3", "x!", "", "é", "/nonexistent", "fuzz", "1e300", "1e-300", "7e306",
         "1e309", "-5", "18446744073709551616", "18446744073709551615", "-0", "/dev/zero", "a\nb"]
DATA = str(Path(__file__).resolve().parent / "tiny.txt")


def check(raw: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(raw)
    argv = [fdp.PickValueInList(WORDS) if fdp.ConsumeBool() else fdp.ConsumeUnicodeNoSurrogates(8)
            for _ in range(fdp.ConsumeIntInRange(0, 8))]
    if "--steps" in argv:
        return  # a fuzzed step count could legitimately run for a long time
    argv = [a for a in argv if a != "--data"] + ["--data", DATA]
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = cli_main(argv)
        except SystemExit as e:  # argparse's own usage errors exit 2 with one line on stderr
            code = e.code
    assert code in (0, 2), (argv, code)
    assert code == 0 or len(err.getvalue().strip().splitlines()) == 1, (argv, err.getvalue())


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
