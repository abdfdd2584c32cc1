"""`python -m core stats | score WORD... | sample | train`: the lecture's numbers from a shell."""

import argparse
import json
import math
import sys

from . import bigrams, neural, sampling
from .data import default_data_path, load_words
from .errors import DatasetError, TrainingDiverged, UnknownCharacterError
from .vocab import Vocab


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", help="word list, one name per line (default: $MAKEMORE_DATA or the bundled list)")
    common.add_argument("--smoothing", type=float, default=1.0, help="fake counts added to every cell")
    common.add_argument("--seed", type=int, default=sampling.LECTURE_SEED)
    common.add_argument("--json", action="store_true", help="machine-readable output")
    p = argparse.ArgumentParser(prog="python -m core", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("stats", parents=[common], help="the dataset's figures and its average NLL")
    score = sub.add_parser("score", parents=[common], help="per-bigram loss of one or more words")
    score.add_argument("words", nargs="+", metavar="WORD")
    smp = sub.add_parser("sample", parents=[common], help="sample new names")
    smp.add_argument("-n", type=int, default=5, help="how many names")
    smp.add_argument("--method", choices=sampling.METHODS, default="lecture")
    tr = sub.add_parser("train", parents=[common], help="train the one-layer net by gradient descent")
    tr.add_argument("--steps", type=int, default=100)
    tr.add_argument("--lr", type=float, default=50.0)
    tr.add_argument("--reg", type=float, default=0.01)
    tr.add_argument("--method", choices=neural.METHODS, default="fast")
    return p


def _fmt(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:.4f}"


def _jsonable(x):
    """JSON has no infinity: write it as the strings "inf" / "-inf"."""
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_jsonable(v) for v in x]
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _stats(words, vocab, N, P, args) -> dict:
    lengths = [len(w) for w in words]
    return {
        "names": len(words),
        "distinct_names": len(set(words)),
        "shortest": min(lengths),
        "longest": max(lengths),
        "bigrams": int(N.sum()),
        "vocab_size": len(vocab),
        "smoothing": args.smoothing,
        "nll": bigrams.nll(words, P, vocab),
    }


def _score(words, vocab, N, P, args) -> dict:
    out = {}
    for word in args.words:
        df = bigrams.breakdown(word, P, vocab, counts=N)
        out[word] = {"nll": float(df["nll"].mean()), "bigrams": df.to_dict("records")}
        if not args.json:
            print(df.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
            print(f"{word}: average NLL {_fmt(float(df['nll'].mean()))}\n")
    return out


def _sample(words, vocab, N, P, args) -> list[str]:
    names = sampling.sample(P, vocab, args.n, seed=args.seed, method=args.method)
    if not args.json:
        print("\n".join(names))
    return names


def _train(words, vocab, N, P, args) -> dict:
    losses = []
    for s in neural.train(N, args.steps, lr=args.lr, reg=args.reg, seed=args.seed, method=args.method):
        losses.append(s.loss)
        if not args.json:
            print(f"step {s.step:5d}  loss {s.loss:.4f}")
    return {"losses": losses, "final_loss": losses[-1] if losses else None}


COMMANDS = {"stats": _stats, "score": _score, "sample": _sample, "train": _train}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        words = load_words(args.data or default_data_path())
        vocab = Vocab.from_words(words)
        N = bigrams.count_bigrams(words, vocab)
        P = bigrams.to_probs(N, args.smoothing)
        if args.command == "train" and not (args.steps >= 0 and math.isfinite(args.lr) and math.isfinite(args.reg)):
            raise ValueError("--steps must be >= 0 and --lr, --reg finite")
        result = COMMANDS[args.command](words, vocab, N, P, args)
    except (DatasetError, UnknownCharacterError, ValueError, TrainingDiverged) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_jsonable(result), allow_nan=False))
    elif args.command == "stats":
        print("\n".join(f"{k:15} {_fmt(v) if isinstance(v, float) else v}" for k, v in result.items()))
    return 0
