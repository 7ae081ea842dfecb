import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def seasonal():
    """200 points: trend + period-12 season + noise, monthly dates."""
    t = np.arange(200)
    y = 10 + 0.05 * t + 3 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(1).normal(0, 0.3, 200)
    return pd.Series(y, index=pd.date_range("2000-01-01", periods=200, freq="MS"), name="demand")


