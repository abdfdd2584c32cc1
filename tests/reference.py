"""A brute-force pure-Python bigram model, written without core: what core's fast paths must agree with.

Slow on purpose (dicts, Fractions, loops); use it on small word lists only. The boundary is
`None`, never a character, so a literal "." in the data stays an ordinary character.
"""

import math
import struct
from fractions import Fraction

BOUNDARY = None


def alphabet(words: list[str]) -> list[str]:
    """The data's distinct characters in code-point order (index 0 is the boundary, so char i is index i + 1)."""
    return sorted({c for w in words for c in w})


def index(words: list[str]) -> dict:
    """Token -> index: the boundary is 0, characters follow from 1 in sorted order."""
    ix = {BOUNDARY: 0}
    for i, c in enumerate(alphabet(words)):
        ix[c] = i + 1
    return ix


def pairs(word: str) -> list[tuple]:
    """The bigrams of `.word.` with the boundary as None: 'ab' -> (None,'a'), ('a','b'), ('b',None)."""
    tokens = [BOUNDARY, *word, BOUNDARY]
    return [(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1)]


def count(words: list[str]) -> dict:
    """(first, next) -> how often, by looping over every bigram of every word."""
    counts: dict = {}
    for w in words:
        for pair in pairs(w):
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def count_matrix(words: list[str]) -> list[list[int]]:
    """The V x V table of `count`, row = first token, column = next, in `index` order."""
    ix = index(words)
    V = len(ix)
    table = [[0] * V for _ in range(V)]
    for (a, b), n in count(words).items():
        table[ix[a]][ix[b]] += n
    return table


def probs(table: list[list[int]], k) -> list[list[Fraction]]:
    """Exact rows (N + k) / row sum; a row with nothing in it is uniform."""
    V = len(table)
    out = []
    for row in table:
        cells = [Fraction(n) + Fraction(k) for n in row]
        total = sum(cells)
        out.append([c / total for c in cells] if total else [Fraction(1, V)] * V)
    return out


def prob(words: list[str], k, a, b) -> Fraction:
    """P(b | a) under the model fitted to `words` with smoothing k, computed from the dict counts."""
    counts = count(words)
    V = len(alphabet(words)) + 1
    row = sum(n for (x, _), n in counts.items() if x == a)
    if row == 0 and k == 0:
        return Fraction(1, V)
    return (counts.get((a, b), 0) + Fraction(k)) / (row + V * Fraction(k))


def nll(train: list[str], k, scored: list[str]) -> float:
    """Average -log P over every bigram of `scored`, model fitted to `train`; inf if any P is 0."""
    total, n = 0.0, 0
    for w in scored:
        for a, b in pairs(w):
            p = prob(train, k, a, b)
            if p == 0:
                return math.inf
            total += math.log(p.denominator) - math.log(p.numerator)  # exact even when p underflows a float
            n += 1
    return total / n


def net_loss(W: list[list[float]], examples: list[tuple[int, int]], reg: float) -> float:
    """Mean over examples of -log softmax(W[x])[y], plus reg * mean(W^2), by loops."""
    V = len(W)
    total = 0.0
    for x, y in examples:
        top = max(W[x])  # exp(v - top) never overflows; the shift cancels in the ratio
        z = sum(math.exp(v - top) for v in W[x])
        total += math.log(z) - (W[x][y] - top)
    penalty = sum(v * v for row in W for v in row) / (V * V)
    return total / len(examples) + reg * penalty


def net_grad(W: list[list[float]], examples: list[tuple[int, int]], reg: float) -> list[list[float]]:
    """d net_loss / dW by hand: (softmax - onehot) summed per input row, / examples, plus 2 reg W / V^2."""
    V = len(W)
    grad = [[2 * reg * W[i][j] / (V * V) for j in range(V)] for i in range(V)]
    for x, y in examples:
        p = softmax_rows([W[x]])[0]
        for j in range(V):
            grad[x][j] += (p[j] - (1.0 if j == y else 0.0)) / len(examples)
    return grad


def net_examples(words: list[str]) -> list[tuple[int, int]]:
    """Every (input index, label index) pair of every word, in `index` order."""
    ix = index(words)
    return [(ix[a], ix[b]) for w in words for a, b in pairs(w)]


def softmax_rows(W: list[list[float]]) -> list[list[float]]:
    """Each row of W exponentiated and normalised, by loops (shifted by its max so exp never overflows)."""
    out = []
    for row in W:
        top = max(row)
        e = [math.exp(v - top) for v in row]
        z = sum(e)
        out.append([v / z for v in e])
    return out


def descend(W: list[list[float]], examples: list[tuple[int, int]], reg: float, lr: float, steps: int
            ) -> list[list[float]]:
    """Plain full-batch gradient descent in float64: W - lr * net_grad, `steps` times."""
    for _ in range(steps):
        g = net_grad(W, examples, reg)
        W = [[w - lr * d for w, d in zip(row, grow)] for row, grow in zip(W, g)]
    return W


def table_nll(P: list[list[float]], examples: list[tuple[int, int]]) -> float:
    """Average -log P[x][y] over (x, y) index pairs; inf if any P is 0."""
    if any(P[x][y] == 0 for x, y in examples):
        return math.inf
    return -sum(math.log(P[x][y]) for x, y in examples) / len(examples)


def weighted_kl(p: list[list[float]], q: list[list[float]], weights: list[float]) -> float:
    """Sum over rows of weight * KL(p_row || q_row), 0 log 0 = 0, by loops."""
    return sum(w * sum(a * math.log(a / b) for a, b in zip(pr, qr) if a > 0) for w, pr, qr in zip(weights, p, q))


# --- the lecture's 2022 sampler, re-implemented from PyTorch's CPU multinomial kernel ---------------------


def f32(x: float) -> float:
    """x rounded to the nearest float32 (IEEE round-to-nearest-even), as a Python float."""
    return struct.unpack("f", struct.pack("f", x))[0]


def kernel_2022(row: list[float], u: float) -> int:
    """One draw of `torch.multinomial(row, 1)` in PyTorch's 2022 CPU kernel, with the uniform `u` it drew.

    The kernel keeps a float32 running sum, divides every entry by the float32 total, sets the last to 1,
    and binary-searches for the first slot whose cumulative value is not below u. Each float32 operation is
    done in float64 and rounded: exact for + and /, since float64 holds more than twice float32's digits.
    """
    total, cum = 0.0, []
    for p in row:
        total = f32(total + f32(p))
        cum.append(total)
    cum = [f32(c / total) for c in cum]
    cum[-1] = 1.0
    left, right = 0, len(cum)
    while right - left > 0:
        mid = left + (right - left) // 2
        if cum[mid] < u:
            left = mid + 1
        else:
            right = mid
    return left
