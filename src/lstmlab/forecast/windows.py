"""Sliding windows as zero-copy strided views, and chronological splits that never share targets."""

from __future__ import annotations

import numpy as np

from lstmlab.errors import LstmlabError


def sliding_windows(y: np.ndarray, input_size: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """All (history, target) pairs of a series, as read-only views of ``y`` (no copy).

    Parameters
    ----------
    y : ndarray, shape (T,)
    input_size : length L of each history.
    horizon : length H of each target.

    Returns
    -------
    X : ndarray, shape (N, L), N = T - L - H + 1; ``X[i] = y[i : i + L]``
    Y : ndarray, shape (N, H); ``Y[i] = y[i + L : i + L + H]``
    """
    if input_size < 1 or horizon < 1:
        raise LstmlabError(f"input_size={input_size}, horizon={horizon}: both must be positive")
    if len(y) < input_size + horizon:
        raise LstmlabError(f"series of length {len(y)} is too short for windows of {input_size} inputs + "
                           f"{horizon} targets (needs at least {input_size + horizon} points)")
    W = np.lib.stride_tricks.sliding_window_view(y, input_size + horizon)  # (N, L + H), a view
    return W[:, :input_size], W[:, input_size:]


def split_windows(n_windows: int, horizon: int, test: int = 0, val: int = 0,
                  gap: bool = True) -> tuple[slice, slice, slice]:
    """Chronological train / validation / test ranges of window indices.

    Window ``i`` has targets at positions ``i+L .. i+L+H-1``, so consecutive windows share H-1
    targets. With ``gap=True``, H-1 windows are dropped before the validation block and before
    the test block, so no validation or test target is ever a training target.

    Returns
    -------
    train, val, test : slices into the window axis (the last ``test`` windows are the test block).
    """
    g = horizon - 1 if gap else 0
    n_test_block = test + (g if test else 0)
    n_val_block = val + (g if val else 0)
    n_train = n_windows - n_test_block - n_val_block
    if n_train < 1:
        raise LstmlabError(f"{n_windows} windows cannot hold {val} validation and {test} test windows "
                           f"(plus gaps of {g}) and still leave training windows: use a longer series, "
                           "a shorter input_size/horizon or a smaller validation fraction")
    val_start = n_train + (g if val else 0)
    test_start = n_windows - test
    return slice(0, n_train), slice(val_start, val_start + val), slice(test_start, n_windows)
