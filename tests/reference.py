"""A brute-force pure-Python bigram model, written without core: what core's fast paths must agree with.

Slow on purpose (dicts, Fractions, loops); use it on small word lists only. The boundary is
`None`, never a character, so a literal "." in the data stays an ordinary character.
"""

import math
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
        z = sum(math.exp(v) for v in W[x])
        total += -math.log(math.exp(W[x][y]) / z)
    penalty = sum(v * v for row in W for v in row) / (V * V)
    return total / len(examples) + reg * penalty


def net_grad(W: list[list[float]], examples: list[tuple[int, int]], reg: float) -> list[list[float]]:
    """d net_loss / dW by hand: (softmax - onehot) summed per input row, / examples, plus 2 reg W / V^2."""
    V = len(W)
    grad = [[2 * reg * W[i][j] / (V * V) for j in range(V)] for i in range(V)]
    for x, y in examples:
        z = sum(math.exp(v) for v in W[x])
        for j in range(V):
            grad[x][j] += (math.exp(W[x][j]) / z - (1.0 if j == y else 0.0)) / len(examples)
    return grad


def net_examples(words: list[str]) -> list[tuple[int, int]]:
    """Every (input index, label index) pair of every word, in `index` order."""
    ix = index(words)
    return [(ix[a], ix[b]) for w in words for a, b in pairs(w)]
