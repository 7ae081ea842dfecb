"""Input validation: every kind of bad series gives a clear error naming the problem."""

import numpy as np
import pandas as pd
import pytest

from lstmlab.forecast.csvfile import read_csv
from lstmlab.forecast.data import make_series, seasonal_period_from_freq, split_series, to_output, to_series_list


def monthly(n=24, start="2020-01-01"):
    return pd.Series(np.arange(n, dtype=float) + 1, index=pd.date_range(start, periods=n, freq="MS"), name="sales")


def test_array_series_and_long_kinds():
    s, kind = to_series_list(np.arange(5.0))
    assert kind == "array" and s[0].freq is None and list(s[0].index) == [0, 1, 2, 3, 4]
    s, kind = to_series_list(monthly())
    assert kind == "series" and s[0].freq == "MS" and s[0].uid == "sales"
    long = pd.DataFrame({"unique_id": ["a"] * 4 + ["b"] * 4,
                         "ds": list(pd.date_range("2021-01-01", periods=4, freq="D")) * 2,
                         "y": np.arange(8.0)})
    s, kind = to_series_list(long)
    assert kind == "long" and [x.uid for x in s] == ["a", "b"] and s[1].values.tolist() == [4, 5, 6, 7]


def test_output_returns_the_same_kind_with_future_dates():
    series, kind = to_series_list(monthly(12))
    out = to_output(kind, series, [np.array([1.0, 2.0])])
    assert isinstance(out, pd.Series) and list(out.index) == list(pd.date_range("2021-01-01", periods=2, freq="MS"))
    series, kind = to_series_list(np.arange(10.0))
    out = to_output(kind, series, [np.array([1.0, 2.0])])
    assert isinstance(out, np.ndarray)
    framed = to_output("series", *to_series_list(monthly(12))[:1], [np.array([1.0])], {"lo": [np.array([0.0])]})
    assert list(framed.columns) == ["y_hat", "lo"]


@pytest.mark.parametrize("values, message", [
    ([1.0, np.nan, 3.0], "NaN/inf value.*position 1"),
    ([1.0, np.inf, 3.0], "NaN/inf"),
    ([], "is empty"),
    ([[1.0, 2.0]], "one dimension"),
])
def test_bad_values(values, message):
    with pytest.raises(ValueError, match=message):
        make_series(values)


def test_non_numeric_values():
    with pytest.raises(TypeError, match="non-numeric values.*'abc'"):
        make_series(np.array([1, "abc", 3], dtype=object))


def test_duplicate_unsorted_irregular_dates():
    idx = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-02", "2020-01-03"])
    with pytest.raises(ValueError, match="duplicate time stamps"):
        make_series([1.0, 2, 3, 4], idx)
    idx = pd.to_datetime(["2020-01-01", "2020-01-03", "2020-01-02", "2020-01-04"])
    with pytest.raises(ValueError, match="unsorted time stamps"):
        make_series([1.0, 2, 3, 4], idx)
    idx = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-05", "2020-01-06"])
    with pytest.raises(ValueError, match="irregular time stamps"):
        make_series([1.0, 2, 3, 4], idx)
    with pytest.raises(ValueError, match="cannot read .a. as a date"):
        make_series([1.0, 2, 3], ["a", "b", "c"])


def test_long_frame_missing_columns():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['ds'\]"):
        to_series_list(pd.DataFrame({"unique_id": ["a"], "y": [1.0]}))


def test_read_csv(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("month,passengers\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n")
    y = read_csv(p, date_col="month", value_col="passengers")
    assert y.tolist() == [1, 2, 3] and isinstance(y.index, pd.DatetimeIndex)
    assert to_series_list(y)[0][0].freq == "MS"
    with pytest.raises(ValueError, match="no value column 'sales'"):
        read_csv(p, value_col="sales")
    bad = tmp_path / "bad.csv"
    bad.write_text("ds,y\n2020-01-01,1\n2020-02-01,oops\n2020-03-01,3\n")
    with pytest.raises(TypeError, match="non-numeric.*'oops'"):
        to_series_list(read_csv(bad))


def test_seasonal_period_from_freq():
    assert seasonal_period_from_freq("MS") == 12
    assert seasonal_period_from_freq("D") == 7
    assert seasonal_period_from_freq(None) == 1


def test_integer_positions_must_be_consecutive():
    s = make_series([1.0, 2.0, 3.0], [5, 6, 7])
    assert list(s.index) == [5, 6, 7] and list(s.future_index(2)) == [8, 9]
    series, kind = to_series_list(pd.Series(np.arange(10.0)).iloc[4:])  # a slice keeps its positions
    assert kind == "series" and list(to_output(kind, series, [np.zeros(2)]).index) == [10, 11]
    with pytest.raises(ValueError, match="not consecutive"):
        make_series([1.0, 2.0, 3.0], [0, 2, 5])


def test_irregular_dates_name_the_gap_and_the_step():
    idx = pd.date_range("1992-01-01", periods=72, freq="MS").delete(64)  # 1997-05 missing
    with pytest.raises(ValueError, match=r"after 1997-04-01 comes 1997-06-01, expected 1997-05-01 "
                                         r"\(a step of 1 month \('MS'\)\)"):
        make_series(np.arange(71.0), idx)
    hours = pd.date_range("2020-01-01", periods=50, freq="h").delete([10, 30])
    with pytest.raises(ValueError, match=r"after 2020-01-01 09:00:00 comes 2020-01-01 11:00:00.*1 more break"):
        make_series(np.arange(48.0), hours)


def test_split_series_keeps_the_good_ones_and_says_why_for_the_others():
    ds = list(pd.date_range("2020-01-01", periods=8, freq="D"))
    frame = pd.DataFrame({
        "unique_id": ["ok"] * 8 + ["flat"] * 8 + ["nan"] * 8 + ["gap"] * 7 + ["two"] * 2,
        "ds": ds * 3 + ds[:3] + ds[4:] + ds[:2],
        "y": list(range(8)) + [5.0] * 8 + [1.0, np.nan] + [1.0] * 6 + list(range(7)) + [1.0, 2.0]})
    good, left_out = split_series(frame)
    assert list(good["unique_id"].unique()) == ["ok", "flat"]  # a flat series is legitimate
    assert set(left_out) == {"nan", "gap", "two"}
    assert "NaN" in left_out["nan"] and "after 2020-01-03 comes 2020-01-05" in left_out["gap"]
    assert "2 time stamps" in left_out["two"]


def test_long_output_equals_one_frame_per_series():
    parts = [("a", "2020-01-01", 10), ("b", "2020-03-01", 5), ("c", "2020-01-01", 10)]  # a and c end together
    long = pd.concat([pd.DataFrame({"unique_id": u, "ds": pd.date_range(d, periods=n, freq="MS"),
                                    "y": np.arange(n * 1.0)}) for u, d, n in parts])
    series, kind = to_series_list(long)
    forecasts = [np.arange(3.0) + i for i in range(3)]
    out = to_output(kind, series, forecasts, {"lo": [f - 1 for f in forecasts]})
    expected = pd.concat([pd.DataFrame({"unique_id": s.uid, "ds": s.future_index(3), "y_hat": f, "lo": f - 1})
                          for s, f in zip(series, forecasts)], ignore_index=True)
    pd.testing.assert_frame_equal(out, expected)


def _series_by_group(frame):
    """The series of a long frame one group at a time: what to_series_list gives, by another road."""
    return [make_series(g["y"].to_numpy(), pd.Index(g["ds"]), str(uid))
            for uid, g in frame.groupby("unique_id", sort=False)]


@pytest.mark.parametrize("stamps", ["positions", "dates", "utc hours", "date strings"])
def test_long_series_share_one_flat_array_and_equal_a_groupby(stamps):
    rng = np.random.default_rng(0)
    lengths = [5, 3, 8, 4]
    frame = pd.DataFrame({"unique_id": np.repeat(["b", "a", "d", "c"], lengths),
                          "ds": np.concatenate([np.arange(n) + 2 for n in lengths]),
                          "y": rng.normal(size=sum(lengths))})
    if stamps != "positions":
        step = pd.to_timedelta(frame["ds"], unit="h" if stamps == "utc hours" else "D")
        frame["ds"] = pd.Timestamp("2024-01-01") + step
        frame["ds"] = frame["ds"].dt.tz_localize("UTC") if stamps == "utc hours" else frame["ds"]
        frame["ds"] = frame["ds"].astype(str) if stamps == "date strings" else frame["ds"]
    interleaved = frame.iloc[np.argsort(np.concatenate([np.arange(n) for n in lengths]), kind="stable")]
    frame = pd.concat([interleaved, pd.DataFrame({"unique_id": [None], "ds": [frame["ds"][0]], "y": [1.0]})],
                      ignore_index=True)
    series, kind = to_series_list(frame)  # the series' rows interleaved, one row without a name (left out)
    want = _series_by_group(frame)
    assert kind == "long" and [s.uid for s in series] == [s.uid for s in want]
    for s, w in zip(series, want):
        assert s.freq == w.freq and s.values.tolist() == w.values.tolist() and s.values.dtype == np.float64
        assert s.index.equals(w.index) and type(s.index) is type(w.index) and s.index.dtype == w.index.dtype
        assert s.values.base is series[0].values.base and not np.shares_memory(s.values, frame["y"].to_numpy())


def test_long_frames_give_the_per_series_messages():
    frame = pd.DataFrame({"unique_id": ["a"] * 3 + ["b"] * 3, "ds": [0, 1, 2, 0, 2, 3], "y": [1.0, 2, 3, 4, 5, 6]})
    with pytest.raises(ValueError, match="series 'b' has integer time stamps that are not consecutive"):
        to_series_list(frame)
    frame.loc[1, "y"] = np.nan  # series a's values fail before series b's time stamps are looked at
    with pytest.raises(ValueError, match=r"series 'a' has 1 NaN/inf value\(s\), first at position 1"):
        to_series_list(frame)
    frame["y"] = ["1", "x", "2", "3", "4", "5"]
    with pytest.raises(TypeError, match="series 'a' has non-numeric values"):
        to_series_list(frame)
    ints = pd.DataFrame({"unique_id": [7, 7, 7], "ds": [4, 5, 6], "y": [1, 2, 3]})  # integer values become floats
    (s,), _ = to_series_list(ints)
    assert s.uid == "7" and s.values.dtype == np.float64 and list(s.index) == [4, 5, 6]
