"""The tutorial's example as a task: "i was born in <country> . <filler> . i grew up in" -> <country>.

Sentences are generated from a small vocabulary. ``length`` is the number of filler words between the
country and the question, so it is the distance the country must be remembered over. Filler words are drawn
at random, so nothing but the country word predicts the answer.
"""

from __future__ import annotations

import numpy as np

from lstmlab.tasks.base import Task, accuracy, majority_baseline, one_hot

COUNTRIES = ("france", "japan", "brazil", "kenya", "canada", "india", "norway", "peru")
FILLER = ("my", "family", "moved", "often", "and", "we", "lived", "near", "the", "sea", "with", "two",
          "dogs", "a", "garden", "school", "friends", "summer", "music", "books")
PREFIX = ("i", "was", "born", "in")
QUESTION = (".", "i", "grew", "up", "in")
VOCAB = tuple(dict.fromkeys(PREFIX + QUESTION + COUNTRIES + FILLER))  # unique, order kept
INDEX = {w: i for i, w in enumerate(VOCAB)}


def sentences(n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(N, T) word indices into VOCAB and (N,) country classes; T = length + 11."""
    country = rng.integers(0, len(COUNTRIES), size=n)  # (N,)
    filler = rng.integers(0, len(FILLER), size=(n, length))  # (N, length)
    head = np.array([INDEX[w] for w in PREFIX])
    tail = np.array([INDEX[w] for w in QUESTION])
    country_ix = np.array([INDEX[c] for c in COUNTRIES])[country]  # (N,)
    filler_ix = np.array([INDEX[w] for w in FILLER])[filler]  # (N, length)
    tokens = np.concatenate([np.broadcast_to(head, (n, len(head))), country_ix[:, None],
                             np.full((n, 1), INDEX["."]), filler_ix,
                             np.broadcast_to(tail, (n, len(tail)))], axis=1)  # (N, T)
    return tokens, country.astype(np.int64)


def words(tokens: np.ndarray) -> list[str]:
    """(T,) word indices -> the words."""
    return [VOCAB[int(t)] for t in tokens]


def _make(n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    tokens, y = sentences(n, length, rng)
    return one_hot(tokens, len(VOCAB)), y  # (N, T, V), (N,)


def born_in_task() -> Task:
    """Name the country of birth after `length` filler words (8 countries, one-hot words)."""
    return Task("born-in", "classify", len(VOCAB), len(COUNTRIES), "last", _make, accuracy, majority_baseline,
                describe="the country named `length` filler words before the question")
