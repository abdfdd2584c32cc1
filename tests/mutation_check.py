"""A small mutation check of core/: change one thing the tests claim to guard, and see which test fails.

    python tests/mutation_check.py            # every mutant, a markdown table on stdout (~15 min here)
    python tests/mutation_check.py 3 17       # only mutants 3 and 17

Each mutant edits one file of core/ in this checkout, runs the named test files with -x, and restores the
file (also on Ctrl-C). A mutant is killed when a test fails; the table names the first failing test and its
first assertion line, so one can read whether it failed for the right reason. Not collected by pytest.
"""

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    what: str
    path: str  # under core/
    before: str  # must occur exactly once
    after: str
    tests: tuple[str, ...]  # test files (or node ids) to run


M = Mutant
DATA, BIGRAM, SAMPLING, NEURAL = "tests/test_core_data.py", "tests/test_core_bigram.py", \
    "tests/test_core_sampling.py", "tests/test_core_neural.py"
MUTANTS = [
    # --- the four of issue 13 -------------------------------------------------------------------------------
    M("prob_diff: argmax of delta, not of |delta|", "neural.py",
      "flat = int(delta.abs().argmax())", "flat = int(delta.argmax())", (NEURAL,)),
    M("train: no 'loss > explode_factor x the first' divergence rule", "neural.py",
      "loss <= SETTINGS.explode_factor * first_loss and ", "", (NEURAL,)),
    M("closest_smoothing: rows unweighted", "neural.py",
      "weights = counts.sum(1).double() / counts.sum()",
      "weights = torch.ones(counts.shape[0], dtype=torch.float64)", (NEURAL,)),
    M("lecture_cdf: float64 running sum instead of float32", "sampling.py",
      "np.cumsum(np.asarray(rows, dtype=np.float32), axis=-1, dtype=np.float32)",
      "np.cumsum(np.asarray(rows, dtype=np.float64), axis=-1, dtype=np.float64)", (SAMPLING,)),
    # --- the loader -----------------------------------------------------------------------------------------
    M("read_bytes: no regular-file check", "data.py",
      "if not stat.S_ISREG(info.st_mode):", "if False:", (DATA,)),
    M("read_bytes: a file of exactly the cap refused", "data.py",
      "if info.st_size > max_bytes:", "if info.st_size >= max_bytes:", (DATA,)),
    M("read_bytes: a FIFO opened blocking", "data.py",
      "os.open(path, os.O_RDONLY | os.O_NONBLOCK)", "os.open(path, os.O_RDONLY)", (DATA,)),
    M("loader: invisible lines accepted", "data.py",
      "if all(is_invisible(ch) for ch in word):", "if False:", (DATA,)),
    M("loader: U+2028/U+2029 inside a line accepted", "data.py",
      'if cat in ("Zl", "Zp"):', "if False:", (DATA,)),
    M("loader: the BOM kept as part of the first name", "data.py",
      'body = data.removeprefix(b"\\xef\\xbb\\xbf")', "body = data", (DATA,)),
    M("Vocab.from_words: characters of un-normalised words", "data.py",
      'set("".join(unicodedata.normalize("NFC", w) for w in words))', 'set("".join(words))', (DATA,)),
    # --- counting and sampling ------------------------------------------------------------------------------
    M("to_probs: no fallback past a row sum's overflow", "bigram.py",
      "if not torch.isfinite(sums).all():", "if False:", (BIGRAM,)),
    M("to_probs: an empty row left at 0 instead of uniform", "bigram.py",
      "    P[empty] = 1.0\n", "", (BIGRAM,)),
    M("sequence_nlls: first symbols taken one place late", "bigram.py",
      "first = np.fromiter((a for s in seqs for a in s[:-1]), np.int64)",
      "first = np.fromiter((a for s in seqs for a in s[1:]), np.int64)", (SAMPLING, BIGRAM)),
    M("check_seed: negative seeds let through (they wrap around)", "sampling.py",
      "not 0 <= seed < 2**64", "not seed < 2**64", (SAMPLING,)),
    M("as_sequence: a name that never ended is not cut", "sampling.py",
      "return seq if seq[-1] == 0 and len(seq) > 1 else seq[: max_len + 1]", "return seq", (SAMPLING,)),
    # --- training and a Run ---------------------------------------------------------------------------------
    M("one-hot step: each chunk's mean instead of its share of the mean", "neural.py",
      "log().sum() / len(xs)", "log().sum() / len(y)", (NEURAL,)),
    M("one-hot step: all rows in one chunk", "neural.py",
      "chunk = max(1, SETTINGS.onehot_chunk_bytes // (4 * counts.shape[0]))", "chunk = max(1, len(xs))",
      (NEURAL,)),
    M("check_hyper: no float32 bound", "neural.py",
      "0 <= lr <= FLOAT32_MAX", "0 <= lr", (NEURAL,)),
    M("Run.begin: Resume starts a new run", "neural.py",
      "        if not self.paused:\n            self.start", "        if True:\n            self.start", (NEURAL,)),
    M("Run.one_step: a paused run's target replaced", "neural.py",
      "if self.steps >= self.target:  # nothing left", "if True:  # nothing left", (NEURAL,)),
    M("Run.progress: 1 before anything was asked", "neural.py",
      "return 0.0 if span <= 0 else", "return 1.0 if span <= 0 else", (NEURAL,)),
    # --- evaluation, n-grams --------------------------------------------------------------------------------
    M("rank_among: ties counted as lower", "evaluation.py",
      'lower = int(np.searchsorted(ordered, value, side="left"))',
      'lower = int(np.searchsorted(ordered, value, side="right"))', ("tests/test_core_evaluation.py",)),
    M("Sweep.best_among: a tie goes to the first option, not the smallest", "evaluation.py",
      "return min(sorted(options), key=", "return min(options, key=", ("tests/test_core_evaluation.py",)),
    M("ngram: the context reaches into the previous word", "ngram.py",
      "        inside[lag:] &= first[:-lag] != 0\n", "", ("tests/test_core_ngram.py",)),
    # --- the command line -----------------------------------------------------------------------------------
    M("cli: score '' scores '..'", "cli.py",
      "if any(not w for w in args.words):", "if False:", ("tests/test_bad_input.py::test_the_command_line",)),
    M("cli: NLL printed as -0.0000", "cli.py",
      'return f"{x + 0.0:.4f}" if round(x, 4) != 0 else "0.0000"', 'return f"{x:.4f}"', ("tests/test_cli.py",)),
    M("cli: a line break in an argument splits the error", "cli.py",
      "c if c.isprintable() else repr(c)[1:-1]", "c", ("tests/test_cli.py",)),
    M("cli: -n may be negative", "cli.py",
      '_number(int, 0, MAX_SAMPLES, "-n")', '_number(int, -10, MAX_SAMPLES, "-n")',
      ("tests/test_bad_input.py::test_the_command_line",)),
]


def run(m: Mutant) -> tuple[str, str]:
    """(first failing test or 'SURVIVED', its first assertion line)."""
    path = ROOT / "core" / m.path
    source = path.read_text()
    if source.count(m.before) != 1:
        raise SystemExit(f"{m.what}: the text to mutate occurs {source.count(m.before)} times in {m.path}")
    try:
        path.write_text(source.replace(m.before, m.after))
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                               "-p", "no:warnings", *m.tests], cwd=ROOT, capture_output=True, text=True,
                              timeout=1200)
    except subprocess.TimeoutExpired:
        return "TIMEOUT (killed: the run hangs)", ""
    finally:
        path.write_text(source)
    failed = re.search(r"^FAILED (.+?)(?: - .*)?$", proc.stdout, re.M)
    if failed is None:
        return ("SURVIVED", "") if proc.returncode == 0 else ("ERROR", proc.stdout[-500:])
    reason = re.search(r"^E\s+(.+)$", proc.stdout, re.M)
    return failed.group(1), reason.group(1).strip()[:110] if reason else ""


def main(argv: list[str]) -> None:
    dirty = subprocess.run(["git", "status", "--porcelain", "core"], cwd=ROOT, capture_output=True, text=True)
    if dirty.stdout.strip():
        raise SystemExit("core/ has uncommitted changes: commit or stash them first (mutants edit core/)")
    chosen = [int(a) for a in argv] or range(1, len(MUTANTS) + 1)
    print("| # | mutant | killed by | first assertion line |\n|---|---|---|---|")
    for i in chosen:
        m = MUTANTS[i - 1]
        killer, reason = run(m)
        reason = reason.replace("|", "\\|")
        print(f"| {i} | `core/{m.path}`: {m.what} | {killer} | {reason} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
