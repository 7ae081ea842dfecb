"""CSV files as people write them: long format, separators, decimal commas, day-first dates, empty files."""

import logging
import warnings

import numpy as np
import pandas as pd
import pytest

from lstmlab.forecast.csvfile import read_csv
from lstmlab.forecast.data import to_series_list

MONTHS = pd.date_range("1992-01-01", periods=72, freq="MS")


def write(path, frame, **kw):
    frame.to_csv(path, index=False, **kw)
    return path


def test_long_file_is_recognised_by_its_column_names(tmp_path):
    frame = pd.DataFrame({"unique_id": np.repeat(["a", "b"], 72), "ds": list(MONTHS) * 2, "y": np.arange(144.0)})
    y = read_csv(write(tmp_path / "long.csv", frame))
    assert list(y.columns) == ["unique_id", "ds", "y"]
    series, kind = to_series_list(y)
    assert kind == "long" and [s.uid for s in series] == ["a", "b"] and series[1].freq == "MS"


def test_repeated_dates_suggest_the_id_column(tmp_path):
    frame = pd.DataFrame({"store": np.repeat(["north", "south"], 72), "date": list(MONTHS) * 2,
                          "sales": np.arange(144.0)})
    path = write(tmp_path / "stores.csv", frame)
    with pytest.raises(ValueError, match=r"1992-01-01 appears 2 times.*several series.*--id-col \(perhaps 'store'\)"):
        read_csv(path)
    y = read_csv(path, id_col="store")
    assert sorted(y["unique_id"].unique()) == ["north", "south"] and y["y"].iloc[-1] == 143.0


def test_a_gap_is_reported_where_it_is(tmp_path):
    path = write(tmp_path / "gap.csv", pd.DataFrame({"ds": MONTHS.delete(64), "y": np.arange(71.0)}))
    with pytest.raises(ValueError, match="after 1997-04-01 comes 1997-06-01, expected 1997-05-01"):
        to_series_list(read_csv(path))


def test_day_first_dates_get_a_hint_and_read_with_dayfirst_or_a_format(tmp_path):
    path = write(tmp_path / "dmy.csv", pd.DataFrame({"ds": MONTHS.strftime("%d/%m/%Y"), "y": np.arange(72.0)}))
    with pytest.raises(ValueError, match=r"'01/02/1992' as 1992-01-02.*day-first \(1992-02-01\).*--dayfirst"):
        read_csv(path)
    for kw in ({"dayfirst": True}, {"date_format": "%d/%m/%Y"}):
        assert to_series_list(read_csv(path, **kw))[0][0].freq == "MS"


def test_unambiguous_day_first_dates_parse_with_our_note_not_pandas_warning(tmp_path, caplog):
    days = pd.date_range("2020-12-31", periods=40, freq="D")
    path = write(tmp_path / "d.csv", pd.DataFrame({"ds": days.strftime("%d/%m/%Y"), "y": np.arange(40.0)}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no raw pandas warning reaches the user
        with caplog.at_level(logging.WARNING, logger="lstmlab.forecast.dates"):
            y = read_csv(path)
    assert y.index[0] == pd.Timestamp("2020-12-31") and to_series_list(y)[0][0].freq == "D"
    assert "'31/12/2020' can only be day-first" in caplog.text and "--dayfirst" in caplog.text


def test_semicolons_and_decimal_commas(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("Datum;Umsatz\n" + "".join(f"{d:%Y-%m-%d};{i},5\n" for i, d in enumerate(MONTHS[:24]))
                    + "2094-01-01;1.234,5\n".replace("2094-01-01", f"{MONTHS[24]:%Y-%m-%d}"))
    y = read_csv(path)
    assert y.name == "Umsatz" and y.iloc[0] == 0.5 and y.iloc[-1] == 1234.5


@pytest.mark.parametrize("name, text, message", [
    ("space.csv", "ds y\n2020-01-01 1\n2020-02-01 2\n2020-03-01 3\n",
     r"space.csv: needs a value column; the file has only \['ds y'\].*separator"),
    ("empty.csv", "", "empty.csv is empty: expected a header line"),
    ("header.csv", "ds,y\n", r"header.csv has a header \(\['ds', 'y'\]\) but no rows"),
])
def test_files_that_cannot_be_read_are_named_with_a_hint(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_csv(path)


def test_integer_years_and_a_format_that_does_not_match(tmp_path):
    path = tmp_path / "years.csv"
    path.write_text("year,value\n" + "".join(f"{1990 + i},{i}\n" for i in range(10)))
    assert to_series_list(read_csv(path))[0][0].freq.startswith("YS")
    with pytest.raises(ValueError, match=r"cannot read '1990' as the format '%d.%m.%Y'"):
        read_csv(path, date_format="%d.%m.%Y")


def test_day_first_hint_in_a_long_file_where_one_series_also_has_a_gap(tmp_path):
    frame = pd.DataFrame({"store": ["a"] * 72 + ["b"] * 71, "ds": list(MONTHS) + list(MONTHS.delete(64)),
                          "y": np.arange(143.0)})
    frame["ds"] = pd.DatetimeIndex(frame["ds"]).strftime("%d/%m/%Y")
    path = write(tmp_path / "dmy_long.csv", frame)
    with pytest.raises(ValueError, match=r"\(1 of 2 series evenly spaced, against 0\): pass --dayfirst"):
        read_csv(path, id_col="store")
    assert len(read_csv(path, id_col="store", dayfirst=True)) == 143


def test_parquet_long_and_single(tmp_path):
    from lstmlab.forecast.csvfile import read_parquet

    frame = pd.DataFrame({"unique_id": np.repeat(["a", "b"], 72), "ds": list(MONTHS) * 2, "y": np.arange(144.0)})
    frame.to_parquet(tmp_path / "long.parquet")
    y = read_parquet(tmp_path / "long.parquet")
    series, kind = to_series_list(y)
    assert kind == "long" and [s.uid for s in series] == ["a", "b"] and series[0].freq == "MS"
    frame[frame["unique_id"] == "a"][["ds", "y"]].to_parquet(tmp_path / "one.parquet")
    assert to_series_list(read_parquet(tmp_path / "one.parquet"))[0][0].values.tolist() == list(range(72))
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match="bad.parquet is not a readable Parquet file"):
        read_parquet(tmp_path / "bad.parquet")
