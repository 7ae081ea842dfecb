import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def seasonal():
    """200 points: trend + period-12 season + noise, monthly dates."""
    t = np.arange(200)
    y = 10 + 0.05 * t + 3 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(1).normal(0, 0.3, 200)
    return pd.Series(y, index=pd.date_range("2000-01-01", periods=200, freq="MS"), name="demand")




@pytest.fixture
def later_coverage():
    """A function: the share of the values y[T0:] inside a fitted model's (q0.1, q0.9) pair, every window of L
    history values and H targets after T0 forecast as one series of a long frame."""

    def covered(f, y: np.ndarray, T0: int, H: int, L: int) -> float:
        starts = np.arange(T0, len(y) - H + 1)
        frame = pd.concat([pd.DataFrame({"unique_id": i, "ds": np.arange(L), "y": y[s - L:s]})
                           for i, s in enumerate(starts)])
        q = f.predict_quantiles(y=frame)
        actual = np.concatenate([y[s:s + H] for s in starts])  # in the frame's order: series, then step
        return float(((q["q0.1"].to_numpy() <= actual) & (actual <= q["q0.9"].to_numpy())).mean())

    return covered
