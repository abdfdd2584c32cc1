"""core.explore against brute force on small data and against the lecture's figures."""

import math
from collections import Counter

import pytest
import torch

import core
from core.explore import (
    followers,
    grid,
    neg_log,
    samples,
    smoothed,
    structure,
    sums,
    top_bigrams,
    wrong_probs,
)

WORDS = ["emma", "ava", "anna", "bob", "eve", "abba"]


@pytest.fixture(scope="module")
def small():
    return core.Corpus.from_bytes("\n".join(WORDS).encode(), "small.txt")


@pytest.fixture(scope="module")
def lecture(lecture_path):
    return core.Corpus.from_bytes(lecture_path.read_bytes(), "names.txt")


def brute_counts(words: list[str]) -> Counter:
    return Counter((a, b) for w in words for a, b in zip("." + w, w + "."))


def test_top_bigrams_match_a_brute_force_count(small):
    df = top_bigrams(small.counts, small.probs(1.0), small.vocab.itos, n=100)
    truth = brute_counts(WORDS)
    # every pair seen, with its count; unseen pairs are left out
    assert dict(zip(df["bigram"], df["count"])) == {a + b: n for (a, b), n in truth.items()}
    assert list(df["count"]) == sorted(df["count"], reverse=True)


def test_top_bigrams_break_ties_in_vocabulary_order(small):
    df = top_bigrams(small.counts, small.probs(0.0), small.vocab.itos, n=100)
    itos = small.vocab.itos
    for n, group in df.groupby("count", sort=False):
        ranks = [itos.index(b[0]) * len(itos) + itos.index(b[1]) for b in group["bigram"]]
        assert ranks == sorted(ranks)


def test_top_bigrams_carry_p_and_minus_log_p(small):
    P = small.probs(0.0)
    df = top_bigrams(small.counts, P, small.vocab.itos, n=100)
    stoi = small.vocab.stoi
    for row in df.itertuples():
        p = float(P[stoi[row.bigram[0]], stoi[row.bigram[1]]])
        assert row.prob == pytest.approx(p)
        assert row.nll == (math.inf if p == 0 else pytest.approx(-math.log(p)))


def test_top_bigrams_on_the_lecture_data(lecture):
    df = top_bigrams(lecture.counts, lecture.probs(1.0), lecture.vocab.itos, n=7)
    assert list(zip(df["bigram"], df["count"])) == [
        ("n.", 6763), ("a.", 6640), ("an", 5438), (".a", 4410), ("e.", 3983), ("ar", 3264), ("el", 3248)
    ]


def test_followers_is_one_row_of_n_and_p(small):
    i = small.vocab.stoi["a"]
    P = small.probs(1.0)
    df = followers(small.counts, P, small.vocab.itos, i)
    truth = brute_counts(WORDS)
    assert list(df["next"]) == small.vocab.itos
    assert list(df["count"]) == [truth[("a", c)] for c in small.vocab.itos]
    assert df["prob"].sum() == pytest.approx(1.0)
    assert df["prob"].tolist() == pytest.approx(P[i].tolist())


def test_followers_of_the_boundary_on_the_lecture_data(lecture):
    df = followers(lecture.counts, lecture.probs(0.0), lecture.vocab.itos, 0)
    assert [round(p, 4) for p in df["prob"][:4]] == [0.0, 0.1377, 0.0408, 0.0481]


def test_structure_of_a_small_list(small):
    info = structure(small.counts, small.vocab.itos)
    assert Counter(w[0] for w in WORDS).most_common(1) == [("a", 3)]  # ava, anna, abba
    assert Counter(w[-1] for w in WORDS).most_common(1) == [("a", 4)]  # emma, ava, anna, abba
    assert info.top_first == ("a", 3)
    assert info.top_last == ("a", 4)
    assert info.empty_names == 0
    assert info.unseen == len(small.vocab) ** 2 - len(brute_counts(WORDS))
    assert info.row_sums_equal_col_sums


def test_structure_notices_unbalanced_sums():
    N = torch.tensor([[0, 2], [1, 0]])
    assert not structure(N, [".", "a"]).row_sums_equal_col_sums


def test_structure_on_the_lecture_data(lecture):
    info = structure(lecture.counts, lecture.vocab.itos)
    assert (info.top_first, info.top_last, info.empty_names) == (("a", 4410), ("n", 6763), 0)
    assert info.row_sums_equal_col_sums


@pytest.mark.parametrize("k", [0.0, 1.0, 2.5])
def test_wrong_probs_divide_each_cell_by_the_sum_of_its_column_s_row(small, k):
    N = small.counts.tolist()
    V = len(N)
    W = wrong_probs(small.counts, k)
    for i in range(V):
        for j in range(V):
            row_j = sum(N[j][m] + k for m in range(V))
            assert float(W[i, j]) == pytest.approx((N[i][j] + k) / row_j)
    assert W.sum(0).tolist() == pytest.approx([1.0] * V)  # columns, not rows, sum to 1


def test_wrong_probs_on_the_lecture_data(lecture):
    W = wrong_probs(lecture.counts, 1.0)
    assert round(float(W[0].sum()), 2) == 6.92
    assert float(W[:, 0].sum()) == pytest.approx(1.0)


def test_smoothed_adds_k_to_every_cell_and_refuses_bad_k(small):
    assert torch.equal(smoothed(small.counts, 2.0), small.counts.double() + 2)
    with pytest.raises(ValueError):
        smoothed(small.counts, -1.0)


def test_sums_of_both_tables(small):
    right, wrong = small.probs(1.0), wrong_probs(small.counts, 1.0)
    df = sums(right, wrong, small.vocab.itos)
    assert df["right row sum"].tolist() == pytest.approx([1.0] * len(small.vocab))
    assert df["wrong column sum"].tolist() == pytest.approx([1.0] * len(small.vocab))
    assert df["wrong row sum"].tolist() == pytest.approx(wrong.sum(1).tolist())
    assert df["right column sum"].tolist() == pytest.approx(right.sum(0).tolist())


def test_neg_log_is_inf_for_zero_never_nan():
    out = neg_log(torch.tensor([[0.0, 1.0, 0.5]]))
    assert out.tolist() == [[math.inf, 0.0, pytest.approx(math.log(2))]]


def test_samples_on_the_lecture_data(lecture):
    right, wrong = lecture.probs(1.0), wrong_probs(lecture.counts, 1.0)
    table, nll_right, nll_wrong = samples(right, wrong, lecture.vocab, 5, core.LECTURE_SEED)
    assert table["right: name"].tolist() == ["mor", "axx", "minaymoryles", "kondlaisah", "anchshizarie"]
    assert table["wrong: name"].tolist() == core.sample(wrong, lecture.vocab, 5)
    for side, avg in [("right", nll_right), ("wrong", nll_wrong)]:
        names = table[f"{side}: name"].tolist()
        assert avg == pytest.approx(core.nll(names, right, lecture.vocab))
        each = [core.nll([w], right, lecture.vocab) for w in names]
        assert table[f"{side}: NLL"].tolist() == pytest.approx(each)
    assert nll_wrong > nll_right  # the broken table's names are less name-like


def test_grid_fills_only_the_kept_cells():
    g = grid(3, [0, 2], lambda i, j: f"{i}{j}")
    assert g == [["00", "", "02"], ["", "", ""], ["20", "", "22"]]
