"""`python -m core stats | score WORD... | sample | train`: the lecture's numbers from a shell.

Every number is checked before it is used: a bad one prints one line on stderr and exits 2.
"""

import argparse
import json
import math
import sys

from .bigram import Corpus, breakdown, nll_from_counts, to_probs
from .data import default_data_path, read_bytes
from .errors import CoreError
from .neural import check_hyper, train
from .sampling import METHODS, check_seed, sample
from .settings import SETTINGS

MAX_SAMPLES = 100_000  # names per `sample` call: more is a file to generate, not a look


class InputError(ValueError):
    """A command-line value out of its range."""


def _number(kind, lo: float, hi: float, what: str):
    """An argparse type: a finite `kind` within [lo, hi], or a one-line reason."""
    def parse(text: str):
        try:
            x = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, not {text!r}") from None
        if not (math.isfinite(x) and lo <= x <= hi):
            raise argparse.ArgumentTypeError(f"{what} must be between {lo:g} and {hi:g}, not {text}")
        return x

    return parse


def _seed(text: str) -> int:
    try:
        return check_seed(int(text))
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def one_line(text: str) -> str:
    """`text` with line breaks and other unprintable characters escaped: a user's argument cannot split it."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        """One line on stderr and exit 2, like every other refusal here (argparse would add its usage)."""
        self.exit(2, f"error: {one_line(message)} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", help="word list, one name per line (default: $MAKEMORE_DATA or the bundled list)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    smoothing = argparse.ArgumentParser(add_help=False)
    smoothing.add_argument("--smoothing", type=_number(float, 0.0, sys.float_info.max, "--smoothing"),
                           default=SETTINGS.smoothing, help="fake counts added to every cell")
    seed = argparse.ArgumentParser(add_help=False)
    seed.add_argument("--seed", type=_seed, default=SETTINGS.seed, help="0 .. 2**64 - 1")
    p = _Parser(prog="python -m core", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("stats", parents=[common, smoothing], help="the dataset's figures and its average NLL")
    score = sub.add_parser("score", parents=[common, smoothing], help="per-bigram loss of one or more words")
    score.add_argument("words", nargs="+", metavar="WORD")
    smp = sub.add_parser("sample", parents=[common, smoothing, seed], help="sample new names")
    smp.add_argument("-n", type=_number(int, 0, MAX_SAMPLES, "-n"), default=5, help="how many names")
    smp.add_argument("--method", choices=METHODS, default="lecture")
    tr = sub.add_parser("train", parents=[common, seed], help="train the one-layer net by gradient descent")
    tr.add_argument("--steps", type=_number(int, 0, 10**6, "--steps"), default=SETTINGS.steps)
    tr.add_argument("--lr", type=_number(float, 0.0, SETTINGS.max_lr, "--lr"), default=SETTINGS.lr)
    tr.add_argument("--reg", type=_number(float, 0.0, SETTINGS.max_reg, "--reg"), default=SETTINGS.reg)
    tr.add_argument("--method", choices=("fast", "onehot"), default="fast")
    return p


def number(x: float) -> str:
    """A loss or smoothing as the lecture prints it: four decimals, never -0.0000; tiny and huge in e-notation."""
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x != 0 and not 1e-4 <= abs(x) < 1e15:
        return f"{x:.4g}"
    return f"{x + 0.0:.4f}" if round(x, 4) != 0 else "0.0000"


def _jsonable(x):
    """JSON has no infinity: write it as the strings "inf" / "-inf"."""
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _stats(corpus: Corpus, args) -> dict:
    f = corpus.figures()
    return {
        "names": f.names, "distinct_names": f.distinct, "shortest": f.shortest, "longest": f.longest,
        "bigrams": f.bigrams, "vocab_size": f.symbols, "smoothing": args.smoothing,
        "nll": nll_from_counts(corpus.counts, to_probs(corpus.counts, args.smoothing)),
    }


def _score(corpus: Corpus, args) -> dict:
    if any(not w for w in args.words):
        raise InputError("an empty name cannot be scored: give at least one character")
    P, out = to_probs(corpus.counts, args.smoothing), {}
    for word in args.words:
        df = breakdown(word, P, corpus.vocab, counts=corpus.counts)
        nll = float(df["nll"].mean())
        out[word] = {"nll": nll, "bigrams": df.to_dict("records")}
        if not args.json:
            print(df.to_string(index=False, float_format=number))
            print(f"{word}: average NLL {number(nll)}\n")
    return out


def _sample(corpus: Corpus, args) -> list[str]:
    names = sample(to_probs(corpus.counts, args.smoothing), corpus.vocab, args.n, seed=args.seed,
                   method=args.method)
    if not args.json:
        print("\n".join(names))
    return names


def _train(corpus: Corpus, args) -> dict:
    check_hyper(args.lr, args.reg)
    losses = []
    for s in train(corpus.counts, args.steps, lr=args.lr, reg=args.reg, seed=args.seed, method=args.method):
        losses.append(s.loss)
        if not args.json:
            print(f"step {s.step:5d}  loss {number(s.loss)}")
    return {"losses": losses, "final_loss": losses[-1] if losses else None}


COMMANDS = {"stats": _stats, "score": _score, "sample": _sample, "train": _train}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        path = args.data or default_data_path()
        corpus = Corpus.from_bytes(read_bytes(path), str(path))
        result = COMMANDS[args.command](corpus, args)
    except (CoreError, ValueError) as e:
        print(f"error: {one_line(str(e))}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_jsonable(result), allow_nan=False))
    elif args.command == "stats":
        shown = {**result, "smoothing": f"{args.smoothing:g}", "nll": number(result["nll"])}
        print("\n".join(f"{k:15} {v}" for k, v in shown.items()))
    return 0
