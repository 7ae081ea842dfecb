"""The one atomic-write helper: a file appears complete under its name or not at all."""

import os
import stat

import numpy as np
import pytest

from lstmlab.atomic import atomic_path, save_figure_atomic, write_json_atomic, write_text_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = write_text_atomic(tmp_path / "summary.csv", "old\n")
    with pytest.raises(RuntimeError, match="disk full"):
        with atomic_path(path) as tmp:
            tmp.write_text("half a fi")
            raise RuntimeError("disk full")
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["summary.csv"]


def test_writers_keep_the_extension_and_the_usual_permissions(tmp_path):
    with atomic_path(tmp_path / "w.npz") as tmp:
        assert tmp.suffix == ".npz" and tmp.name.startswith(".w.npz.")  # hidden, and np.savez adds nothing
        np.savez(tmp, a=np.arange(3))
    assert np.load(tmp_path / "w.npz")["a"].tolist() == [0, 1, 2]
    write_json_atomic(tmp_path / "s.json", {"a": [1, 2]})
    assert (tmp_path / "s.json").read_text() == '{\n "a": [\n  1,\n  2\n ]\n}'
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "s.json").stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    assert sorted(os.listdir(tmp_path)) == ["s.json", "w.npz"]


def test_figures_are_saved_in_the_format_of_the_final_name(tmp_path):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(1, 1))
    fig.subplots().plot([0, 1])
    save_figure_atomic(fig, tmp_path / "plot.png")
    assert (tmp_path / "plot.png").read_bytes()[:4] == b"\x89PNG" and os.listdir(tmp_path) == ["plot.png"]
