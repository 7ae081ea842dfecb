"""The shipped real series: each loads as described by its DatasetInfo, plus a few known facts."""

import numpy as np
import pandas as pd
import pytest

from lstmlab.forecast.datasets import DATASETS, load_dataset

SHIPPED = [name for name, info in DATASETS.items() if info.freq is not None]


def test_the_real_series_are_registered():
    assert set(SHIPPED) == {"airpassengers", "co2", "sunspots", "nile", "elnino"}


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_series_match_their_info(name):
    info = DATASETS[name]
    y = load_dataset(name)
    assert isinstance(y.index, pd.DatetimeIndex) and y.name == name
    assert len(y) == info.length
    assert y.index.freq == pd.tseries.frequencies.to_offset(info.freq)
    assert y.index.is_monotonic_increasing and y.index.is_unique
    assert y.dtype == np.float64 and np.isfinite(y.to_numpy()).all()
    assert info.source.strip() and info.description.strip()
    if name != "airpassengers":
        assert info.source.endswith("via the statsmodels datasets package" + f" ({name}).")


def test_known_facts():
    ap = load_dataset("airpassengers")
    assert ap.iloc[0] == 112 and ap.iloc[-1] == 432
    nile = load_dataset("nile")
    assert nile.index[0] == pd.Timestamp("1871-01-01") and nile.index[-1] == pd.Timestamp("1970-01-01")
    assert (nile.iloc[0], nile.iloc[-1]) == (1120, 740)
    # the drop near 1898 (Cobb 1978): the mean flow after it is well below the mean before
    assert nile["1871":"1897"].mean() - nile["1899":"1970"].mean() > 200
    sun = load_dataset("sunspots")
    assert sun.index[0].year == 1700 and sun.index[-1].year == 2008 and sun.iloc[0] == 5.0 and sun.min() >= 0
    el = load_dataset("elnino")
    assert el.index[0] == pd.Timestamp("1950-01-01") and el.index[-1] == pd.Timestamp("2010-12-01")
    assert (el.iloc[0], el.iloc[1], el.iloc[12], el.iloc[-1]) == (23.11, 24.2, 24.19, 22.07)  # row by row
    assert el.groupby(el.index.month).mean().idxmax() in (2, 3, 4)  # warmest in late austral summer


def test_co2_monthly_means_and_filled_months():
    co2 = load_dataset("co2")
    assert co2.index[0] == pd.Timestamp("1958-03-01") and co2.index[-1] == pd.Timestamp("2001-12-01")
    assert co2["1958-04"].iloc[0] == pytest.approx(317.2, abs=0.05)
    # 1964-02..04 had no weekly value: filled on the straight line between Jan and May 1964
    jan, may = co2["1964-01"].iloc[0], co2["1964-05"].iloc[0]
    np.testing.assert_allclose(co2["1964-02":"1964-04"].to_numpy(), jan + (may - jan) * np.arange(1, 4) / 4,
                               atol=1e-3)
    assert co2["2001"].mean() - co2["1959"].mean() > 50  # the rise, ppm
    assert "5 months" in DATASETS["co2"].description
