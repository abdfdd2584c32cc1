"""Time the lecture's own code paths against core, in one run, on the same words.

    python benchmarks/bench_core.py [--data PATH] [--repeats R] [--threads T] [--json]

Counting the bigram table: the lecture's loop `N[ix1, ix2] += 1`, collections.Counter over zipped
pairs, and core.count_bigrams (all three must give the same table). One training step: the
lecture's one-hot full-batch step against core.train(method="fast") (same losses required).
Times are medians of `--repeats` rounds of >= 0.2 s each, measured with time.perf_counter.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
import timeit
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: `core` lives at the repo root

import core  # noqa: E402 (after the sys.path line above)

LECTURE_DATA = ROOT.parent / "shared" / "data" / "names.txt"
BUNDLED_DATA = ROOT / "data" / "names.txt"
FAST_STEPS_PER_CALL = 1000  # one fast step is ~10 µs: time many and divide
LOOP, COUNTER = "lecture loop N[ix1, ix2] += 1", "collections.Counter over zipped pairs"
CORE, CORE_GIVEN_VOCAB = "core.count_bigrams, vocab included", "core.count_bigrams, vocab given"
LOSS_TOLERANCE = 1e-4  # the bound for the two trajectories (float32 sums over 228K examples)


# --- the lecture's code, as written in the lecture (indices from stoi, a torch int32 table) ---


def lecture_stoi(words: list[str]) -> dict[str, int]:
    chars = sorted(list(set("".join(words))))  # noqa: C414 (verbatim)
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    return stoi


def lecture_count(words: list[str]) -> torch.Tensor:
    stoi = lecture_stoi(words)
    N = torch.zeros((len(stoi), len(stoi)), dtype=torch.int32)
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):  # noqa: RUF007 (verbatim)
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            N[ix1, ix2] += 1
    return N


def lecture_examples(words: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    stoi = lecture_stoi(words)
    xs, ys = [], []
    for w in words:
        chs = ["."] + list(w) + ["."]
        for ch1, ch2 in zip(chs, chs[1:]):  # noqa: RUF007 (verbatim)
            xs.append(stoi[ch1])
            ys.append(stoi[ch2])
    return torch.tensor(xs), torch.tensor(ys)


def lecture_training(xs: torch.Tensor, ys: torch.Tensor, V: int, steps: int) -> tuple[list[float], list[float]]:
    """The lecture's gradient descent loop; returns (seconds per step, loss per step)."""
    num = xs.nelement()
    g = torch.Generator().manual_seed(2147483647)
    W = torch.randn((V, V), generator=g, requires_grad=True)
    times, losses = [], []
    for k in range(steps):
        t = time.perf_counter()
        # forward pass
        xenc = F.one_hot(xs, num_classes=V).float()
        logits = xenc @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[torch.arange(num), ys].log().mean() + 0.01 * (W**2).mean()
        losses.append(loss.item())
        # backward pass and update
        W.grad = None
        loss.backward()
        W.data += -50 * W.grad
        times.append(time.perf_counter() - t)
    return times, losses


# --- the contenders ---


def counter_count(words: list[str]) -> Counter:
    return Counter(pair for w in words for pair in zip("." + w, w + "."))


def core_count(words: list[str]) -> torch.Tensor:
    return core.count_bigrams(words, core.Vocab.from_words(words))


def counter_table(counts: Counter, vocab: core.Vocab) -> torch.Tensor:
    N = torch.zeros((len(vocab), len(vocab)), dtype=torch.int64)
    for (a, b), n in counts.items():
        N[vocab.stoi[a], vocab.stoi[b]] = n
    return N


def fast_training(N: torch.Tensor, steps: int) -> list[float]:
    return [s.loss for s in core.train(N, steps, lr=50.0, reg=0.01, method="fast")]


# --- measuring ---


def median_seconds(fn: Callable[[], object], repeats: int, per_call: int = 1) -> float:
    """Median over `repeats` rounds of the time of one call (divided by `per_call` units of work).

    Each round repeats the call until it lasts >= 0.2 s (timeit's autorange, perf_counter), so a
    millisecond call is not at the mercy of one preemption on a busy machine.
    """
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    return statistics.median(timer.repeat(repeats, number)) / number / per_call


def pick_data(arg: str | None) -> tuple[Path, str]:
    if arg:
        return Path(arg), ""
    if LECTURE_DATA.exists():
        return LECTURE_DATA, ""
    return BUNDLED_DATA, f"note: {LECTURE_DATA} not found; using the bundled {BUNDLED_DATA} instead"


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "cpus": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def run(words: list[str], repeats: int, train_steps: int) -> dict:
    info = machine()  # before we load it ourselves
    vocab = core.Vocab.from_words(words)
    lecture_N = lecture_count(words)
    N = core_count(words)
    same_table = torch.equal(lecture_N.long(), N) and torch.equal(counter_table(counter_count(words), vocab), N)
    counting = {
        LOOP: median_seconds(lambda: lecture_count(words), repeats),
        COUNTER: median_seconds(lambda: counter_count(words), repeats),
        CORE: median_seconds(lambda: core_count(words), repeats),
        CORE_GIVEN_VOCAB: median_seconds(lambda: core.count_bigrams(words, vocab), repeats),
    }
    xs, ys = lecture_examples(words)
    onehot_times, onehot_losses = lecture_training(xs, ys, len(vocab), train_steps)
    fast_losses = fast_training(N, train_steps)
    training = {
        "lecture one-hot step": statistics.median(onehot_times[1:]),  # step 0 pays one-time set-up
        "core fast step": median_seconds(lambda: fast_training(N, FAST_STEPS_PER_CALL), repeats, FAST_STEPS_PER_CALL),
    }
    loss_diff = max(abs(a - b) for a, b in zip(onehot_losses, fast_losses))
    return {
        "machine": info,
        "names": len(words),
        "bigrams": int(N.sum()),
        "repeats": repeats,
        "counting_seconds": counting,
        "same_table": same_table,
        "training_seconds": training,
        "train_steps_compared": train_steps,
        "losses": {"onehot": onehot_losses, "fast": fast_losses},
        "max_loss_difference": loss_diff,
        "same_losses": loss_diff <= LOSS_TOLERANCE,
        "counting_vs_lecture_loop": {k: counting[LOOP] / v for k, v in counting.items()},
        "counting_vs_counter": {k: counting[COUNTER] / v for k, v in counting.items()},
        "fast_step_vs_onehot_step": training["lecture one-hot step"] / training["core fast step"],
    }


# --- reporting ---


def human(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def times(ratio: float) -> str:
    return f"{ratio:,.0f}×" if ratio >= 100 else f"{ratio:.3g}×"


def row(label: str, seconds: float, *ratios: float) -> str:
    cells = "".join(f"{times(x):>16}" for x in ratios)
    return f"  {label:40}{human(seconds):>10}{cells}"


def verdict(name: str, ratio: float, target: float, aim: float | None = None) -> str:
    mark = "✓" if ratio >= target else "✗"
    return f"{mark} {name:26}{times(ratio):>8}   target ≥ {target:g}×" + (f", aim {aim:g}×" if aim else "")


def report(r: dict, data: Path) -> str:
    c, t, m = r["counting_seconds"], r["training_seconds"], r["machine"]
    vs_loop, vs_counter = r["counting_vs_lecture_loop"], r["counting_vs_counter"]
    fast = r["fast_step_vs_onehot_step"]
    diff, first = r["max_loss_difference"], r["losses"]["fast"][0]
    return "\n".join(
        [
            f"data: {data} — {r['names']:,} names, {r['bigrams']:,} bigrams",
            f"machine: {m['cpus']} CPUs ({m['cpu']}), torch {m['torch']} on {m['torch_threads']} threads, "
            + f"Python {m['python']}, load average {m['load_average_1min']} at start; medians of {r['repeats']}",
            "",
            f"{'counting the V×V table':42}{'median':>10}{'vs lecture loop':>16}{'vs Counter':>16}",
            *(row(k, c[k], vs_loop[k], vs_counter[k]) for k in c),
            f"  same table from all three: {'yes' if r['same_table'] else 'NO'}",
            "",
            f"{'one training step (loss, gradient, update)':42}{'median':>10}{'vs one-hot':>16}",
            row("lecture one-hot, full batch", t["lecture one-hot step"], 1.0),
            row('core.train(method="fast")', t["core fast step"], fast),
            f"  same losses over {r['train_steps_compared']} steps: {'yes' if r['same_losses'] else 'NO'} "
            + f"(max |Δ| = {diff:.1e}; first loss {first:.4f})",
            "",
            verdict("counting vs lecture loop", vs_loop[CORE], 100, 300),
            verdict("counting vs Counter", vs_counter[CORE], 5),
            verdict("fast step vs one-hot step", fast, 100, 1000),
        ]
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="word list (default: the lecture's ../shared/data/names.txt)")
    ap.add_argument("--repeats", type=int, default=5, help="timed rounds per measurement (median)")
    ap.add_argument("--train-steps", type=int, default=20, help="one-hot steps to time and compare")
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads: 1 as the app runs (ui/__init__.py); 0 = torch's default",
    )
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()
    if args.threads:  # one thread by default: on a shared machine idle-waiting threads make timings erratic
        torch.set_num_threads(args.threads)
    data, note = pick_data(args.data)
    if note:
        print(note, file=sys.stderr)
    try:
        words = core.load_words(data)
    except core.DatasetError as e:
        print(f"cannot use {data}: {e}", file=sys.stderr)
        return 2
    if "." in "".join(words):
        print("the lecture's code uses '.' as the boundary; this word list contains '.'", file=sys.stderr)
        return 2
    r = run(words, args.repeats, args.train_steps)
    print(json.dumps({"data": str(data), **r}, indent=2) if args.json else report(r, data))
    return 0 if r["same_table"] and r["same_losses"] else 1


if __name__ == "__main__":
    sys.exit(main())
