"""'Show me the code': plain-PyTorch scripts, in the lecture's own style, that recompute a page's numbers.

Each function returns a self-contained script for a word list at `path`; tests run them and compare
their output with core's. They assume the data has no literal '.', as the lecture's does.
"""

PREAMBLE = '''import torch

words = [w.strip() for w in open({path!r}, encoding="utf-8-sig").read().splitlines() if w.strip()]
chars = sorted(set("".join(words)))
stoi = {{s: i + 1 for i, s in enumerate(chars)}}
stoi["."] = 0  # one boundary token marks both the start and the end of a name
itos = {{i: s for s, i in stoi.items()}}
V = len(stoi)

N = torch.zeros((V, V), dtype=torch.int64)  # row = first character, column = the next one
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        N[stoi[ch1], stoi[ch2]] += 1

P = (N + {k!r}).double()  # {k!r} fake counts in every cell
P /= P.sum(1, keepdim=True)  # keepdim: (V, 1) divides each row by its own sum
'''


def counting_code(path: str, smoothing: float) -> str:
    """N, P and the dataset's average NLL."""
    return PREAMBLE.format(path=path, k=smoothing) + '''
log_likelihood, n = 0.0, 0
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        log_likelihood += torch.log(P[stoi[ch1], stoi[ch2]]).item()
        n += 1
print(f"bigrams {n}, average NLL {-log_likelihood / n:.4f}")
'''


def loss_code(path: str, smoothing: float, name: str) -> str:
    """One name's bigrams, their probabilities and the average NLL."""
    return PREAMBLE.format(path=path, k=smoothing) + f'''
log_likelihood, n = 0.0, 0
chs = ["."] + list({name!r}) + ["."]
for ch1, ch2 in zip(chs, chs[1:]):
    prob = P[stoi[ch1], stoi[ch2]]
    logprob = torch.log(prob)
    log_likelihood += logprob.item()
    n += 1
    print(f"{{ch1}}{{ch2}}: {{prob:.4f}} {{logprob:.4f}}")
print(f"average NLL {{-log_likelihood / n:.4f}}")
'''


def sampling_code(path: str, smoothing: float, seed: int, n: int) -> str:
    """n names, the lecture-exact way: one float64 uniform per draw, looked up in the float32 cumsum."""
    return PREAMBLE.format(path=path, k=smoothing) + f'''
import numpy as np

# PyTorch 2022's multinomial for one draw: cumulative sum in float32, normalised, last entry 1
cum = np.cumsum(P.float().numpy(), axis=1, dtype=np.float32)
cum /= cum[:, -1:]
cum[:, -1] = 1.0

g = torch.Generator().manual_seed({seed})
for _ in range({n}):
    out, ix = [], 0
    while True:
        u = torch.rand(1, dtype=torch.float64, generator=g).item()
        ix = int(np.searchsorted(cum[ix], u, side="left"))  # the first slot whose cumsum reaches u
        if ix == 0:
            break
        out.append(itos[ix])
    print("".join(out))
'''


def training_code(path: str, steps: int, lr: float, reg: float, seed: int) -> str:
    """The lecture's one-hot neural net, trained full batch."""
    return PREAMBLE.format(path=path, k=0) + f'''
import torch.nn.functional as F

xs, ys = [], []
for w in words:
    chs = ["."] + list(w) + ["."]
    for ch1, ch2 in zip(chs, chs[1:]):
        xs.append(stoi[ch1])
        ys.append(stoi[ch2])
xs, ys = torch.tensor(xs), torch.tensor(ys)

g = torch.Generator().manual_seed({seed})
W = torch.randn((V, V), generator=g, requires_grad=True)
for k in range({steps}):
    xenc = F.one_hot(xs, num_classes=V).float()
    logits = xenc @ W  # log-counts
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdim=True)
    loss = -probs[torch.arange(len(ys)), ys].log().mean() + {reg!r} * (W**2).mean()
    print(f"step {{k}} loss {{loss.item():.4f}}")
    W.grad = None
    loss.backward()
    W.data += -{lr!r} * W.grad
'''
