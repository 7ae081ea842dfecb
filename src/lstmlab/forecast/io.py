"""Save and load a fitted LSTMForecaster as a directory; loading never unpickles anything.

Layout of a model directory::

    config.json        format, version, constructor parameters, resolved settings, SHA-256 of the weights
    state.json         fitted series (values, dates, frequency), their covariates, conformal (and CQR) scores,
                       signed validation errors, a distribution head's validation PIT values, loss history
    model.safetensors  the network's weights (safetensors: tensors only, no code)

The directory is written next to its destination under a temporary name and renamed into place,
so an interrupted save leaves either the old model or the new one, never half of one; it gets the modes of
a folder and files made by hand (0755 and 0644 under umask 022), not the temporary folder's 0700.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
import pandas as pd

from lstmlab.atomic import apply_umask
from lstmlab.errors import LstmlabError, LstmlabTypeError
from lstmlab.forecast.covariates import SeriesCovariates
from lstmlab.forecast.data import SeriesData

FORMAT, VERSION = "lstmlab-forecaster", 12  # 2: an ensemble of members with their own input sizes; 3: quantile
# heads; 4: members that may forecast further than the horizon (a pre-trained ensemble) and their source;
# 5: covariates (their names and scalings in the settings, the fitted series' covariates in state.json);
# 6: whether training used mixed precision; 7: distribution heads (their family in the settings, the validation
# forecasts and PIT values in state.json) and the signed validation errors behind sample paths; 8: whether the
# networks read seasonally adjusted series; 9: the weight of seasonal naive in the point forecast ("blend");
# 10: how the final networks were trained (final_steps: 0, from fresh weights, before); 11: the weight of the
# Theta method in the point forecast ("theta"); 12: that of Holt-Winters ("holt_winters")
READS = (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)  # a version 2 directory is a point forecaster (no quantiles, no CQR scores)
BEFORE = {2: {"quantiles": []}, 3: {"net_horizon": 0, "pretrained": ""}}  # settings a version predates, with
BEFORE[2] |= BEFORE[3]  # their values then
BEFORE[4] = {"past_covariates": [], "future_covariates": [], "static_covariates": [], "covariate_scaling": None,
             "calendar": [], "categories": None}
BEFORE = {v: extra | BEFORE[4] for v, extra in BEFORE.items()}
BEFORE = {v: extra | {"mixed_precision": False} for v, extra in (BEFORE | {5: {}}).items()}
BEFORE = {v: extra | {"distribution": None} for v, extra in (BEFORE | {6: {}}).items()}
BEFORE = {v: extra | {"seasonal": False} for v, extra in (BEFORE | {7: {}}).items()}
BEFORE = {v: extra | {"final_steps": 0} for v, extra in (BEFORE | {8: {}, 9: {}}).items()}
FILES = ("config.json", "state.json", "model.safetensors")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _series_to_json(s: SeriesData) -> dict:
    index = [str(t) for t in s.index] if s.freq is not None else int(s.index[0])
    return {"uid": s.uid, "values": s.values.tolist(), "index": index, "freq": s.freq}


def _series_from_json(d: dict) -> SeriesData:
    values = np.asarray(d["values"], dtype=np.float64)
    if d["freq"] is None:
        index = pd.RangeIndex(int(d["index"]), int(d["index"]) + len(values))
    else:
        index = pd.DatetimeIndex(pd.to_datetime(d["index"]), freq=d["freq"])
    if len(index) != len(values) or not np.all(np.isfinite(values)):
        raise LstmlabError(f"series {d['uid']!r}: index and values disagree or values are not finite")
    return SeriesData(str(d["uid"]), values, index, d["freq"])


def _covariates_from_json(d: list | None, series: list[SeriesData], cfg) -> list[SeriesCovariates] | None:
    """The fitted series' covariates (None without covariates), checked against the series and settings."""
    spec = cfg.covariates
    if (d is None) != (not spec):
        raise LstmlabError(f"covariates {'missing' if d is None else 'present'} with covariate columns {spec}")
    if d is None:
        return None
    if len(d) != len(series):
        raise LstmlabError(f"covariates of {len(d)} series for {len(series)} series")
    out = []
    for c, s in zip(d, series):
        steps = np.asarray(c["steps"], dtype=np.float64).reshape(len(s.values), spec.n_step)  # (T, Cp + Cf)
        static = np.asarray(c["static"], dtype=np.float64).reshape(len(spec.numeric_static))  # (Cs,)
        codes = np.asarray(c["codes"], dtype=np.int64).reshape(len(spec.categorical))  # (Ck,)
        if np.any(codes < 0) or np.any(codes >= [len(v) for _, v in spec.categories]):
            raise LstmlabError(f"category codes of series {s.uid!r} are outside their vocabularies")
        if not (np.all(np.isfinite(steps)) and np.all(np.isfinite(static))):
            raise LstmlabError(f"covariates of series {s.uid!r} are not finite")
        out.append(SeriesCovariates(steps, np.zeros((0, spec.n_future)), static, codes))
    return out


def save(model, path: str | Path) -> Path:
    """Write a fitted :class:`~lstmlab.forecast.forecaster.LSTMForecaster` to directory ``path``
    (replacing an existing model directory there). Returns the path."""
    from safetensors.torch import save_file

    from lstmlab.forecast.forecaster import LSTMForecaster

    if not isinstance(model, LSTMForecaster):
        raise LstmlabTypeError(f"can only save an LSTMForecaster, not {type(model).__name__}")
    model._check_fitted()
    path = Path(path)
    if path.exists() and not (path.is_dir() and (path / "config.json").exists() or
                              path.is_dir() and not any(path.iterdir())):
        raise LstmlabError(f"{path} exists and is not a model directory: refusing to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.tmp"))
    try:
        weights = tmp / "model.safetensors"
        save_file({k: v.detach().cpu().contiguous() for k, v in model.model_.state_dict().items()}, str(weights))
        h = model.history_
        covs = getattr(model, "covariates_", None)
        state = {"series": [_series_to_json(s) for s in model.series_], "kind": model.kind_,
                 "covariates": None if covs is None else [{"steps": c.steps.tolist(), "static": c.static.tolist(),
                                                           "codes": c.codes.tolist()} for c in covs],
                 "calibration_scores": model.calibration_scores_.tolist(), "choice": model.choice_,
                 "blend": model.blend_, "theta": model.theta_, "holt_winters": model.holt_winters_,
                 "cqr_scores": None if model.cqr_scores_ is None else model.cqr_scores_.tolist(),
                 "signed_errors": None if model.signed_errors_ is None else model.signed_errors_.tolist(),
                 "pit": None if model.pit_ is None else model.pit_.tolist(),
                 "dist_validation": None if model.dist_validation_ is None else
                 {k: v.tolist() for k, v in model.dist_validation_.items()},
                 "validation": model.validation_,
                 "history": None if h is None else {"curve": h.curve, "best_epoch": h.best_epoch,
                                                    "stopped": h.stopped, "wall_s": h.wall_s}}
        (tmp / "state.json").write_text(json.dumps(state))
        params = model.get_params()
        if isinstance(params["pretrained"], os.PathLike):  # a folder given as a Path
            params["pretrained"] = os.fspath(params["pretrained"])
        config = {"format": FORMAT, "version": VERSION, "params": params,
                  "config": asdict(model.config_), "sha256": {"model.safetensors": _sha256(weights),
                                                               "state.json": _sha256(tmp / "state.json")}}
        (tmp / "config.json").write_text(json.dumps(config, indent=2))
        apply_umask(tmp)  # mkdtemp's 0700 and safetensors' 0600 -> what the umask gives
        if path.exists():  # swap: old aside, new in, old removed
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old"))
            os.replace(path, old / "model")
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def load(path: str | Path):
    """Read a model directory written by :func:`save`; every file is checked before use.

    Raises
    ------
    ValueError : missing, corrupted or tampered files (naming which and why).
    """
    from safetensors import SafetensorError
    import torch
    from safetensors.torch import load_file

    from lstmlab.forecast.forecaster import LSTMForecaster, ResolvedConfig, choice_of, weights_allowed
    from lstmlab.forecast.model import ForecastNet
    from lstmlab.nn.train import TrainResult

    path = Path(path)
    if not path.is_dir():
        raise LstmlabError(f"{path} is not a model directory (expected one written by lstmlab forecast fit)")
    missing = [f for f in FILES if not (path / f).is_file()]
    if missing:
        raise LstmlabError(f"model directory {path} is incomplete: missing {', '.join(missing)}")
    try:
        config = json.loads((path / "config.json").read_text())
        state = json.loads((path / "state.json").read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LstmlabError(f"model directory {path} is corrupted: {exc}") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise LstmlabError(f"{path}/config.json is not an lstmlab forecaster config")
    if config.get("version") not in READS:
        raise LstmlabError(f"{path}: format version {config.get('version')!r}, this lstmlab reads "
                           f"{', '.join(map(str, READS))}")
    sums = config.get("sha256")
    if not isinstance(sums, dict):
        raise LstmlabError(f"{path}/config.json has no checksums (expected a 'sha256' mapping)")
    for name in ("model.safetensors", "state.json"):
        if _sha256(path / name) != sums.get(name):
            raise LstmlabError(f"{path}/{name} does not match the checksum in config.json: the file was "
                               "modified or corrupted after saving")
    try:
        params = dict(config["params"])
        if config["version"] < 10 and params.get("batch_size") == 256:  # the default then: automatic now
            params["batch_size"] = None
        model = LSTMForecaster(**params)
        names = {f.name for f in fields(ResolvedConfig)}
        if config["version"] in BEFORE and isinstance(config["config"], dict):
            config["config"] = BEFORE[config["version"]] | config["config"]
        if not isinstance(config["config"], dict) or set(config["config"]) != names:
            raise LstmlabError(f"settings {sorted(set(config['config']) ^ names)} unexpected or missing")
        cfg = ResolvedConfig.from_dict(config["config"])
        net = torch.nn.ModuleList([ForecastNet(L, cfg.member_horizon, cfg.cell, cfg.hidden_size, cfg.num_layers, cfg.dropout,
                                               p, r, len(cfg.quantiles), **cfg.net_kwargs())
                                   for L, p, r in zip(cfg.input_sizes, cfg.patch_lens, cfg.residuals)])
        net.load_state_dict(load_file(str(path / "model.safetensors")), strict=True)
        series = [_series_from_json(d) for d in state["series"]]
        covs = _covariates_from_json(state.get("covariates"), series, cfg)
        scores = np.asarray(state["calibration_scores"], dtype=np.float64)
        if scores.ndim != 2 or scores.shape[1] != cfg.horizon:
            raise LstmlabError(f"calibration scores of shape {scores.shape}, expected (n, {cfg.horizon})")
        cqr = state.get("cqr_scores")
        if (cqr is None) != (not cfg.quantiles):
            raise LstmlabError(f"CQR scores {'missing' if cqr is None else 'present'} with quantiles {cfg.quantiles}")
        if cqr is not None:  # (P, n, H): one block of scores per pair of levels (ValueError if they disagree)
            cqr = np.asarray(cqr, dtype=np.float64).reshape(len(cfg.quantiles) // 2, len(scores), cfg.horizon)
        signed, pit = state.get("signed_errors"), state.get("pit")  # None before version 7
        if signed is not None:  # (n, H), the calibration scores with their signs
            signed = np.asarray(signed, dtype=np.float64).reshape(scores.shape)
            if not np.allclose(np.abs(signed), scores):
                raise LstmlabError("signed validation errors disagree with the calibration scores")
        if (pit is None) != (cfg.distribution is None) and config["version"] >= 7:
            raise LstmlabError(f"PIT values {'missing' if pit is None else 'present'} with distribution "
                               f"{cfg.distribution!r}")
        dist = None
        if pit is not None:  # (n, H) in [0, 1], and the validation forecasts: (n, H, P), (n, H), (n,)
            pit = np.asarray(pit, dtype=np.float64).reshape(scores.shape)
            if not np.all((pit >= 0) & (pit <= 1)):
                raise LstmlabError("PIT values outside [0, 1]")
            d = state["dist_validation"]
            n, H = scores.shape
            dist = {"params": np.asarray(d["params"], dtype=np.float64).reshape(n, H, cfg.family.n_params),
                    "y": np.asarray(d["y"], dtype=np.float64).reshape(n, H),
                    "scale": np.asarray(d["scale"], dtype=np.float64).reshape(n)}
        hist = state["history"]
        history = None if hist is None else TrainResult(list(hist["curve"]), int(hist["best_epoch"]),
                                                        str(hist["stopped"]), float(hist["wall_s"]))
        choice, validation = str(state["choice"]), dict(state["validation"])
        blend = float(state["blend"] if config["version"] >= 9 else choice == "seasonal_naive")  # before 9: 0 or 1
        theta = float(state["theta"] if config["version"] >= 11 else 0.0)
        holt_winters = float(state["holt_winters"] if config["version"] >= 12 else 0.0)
        if not weights_allowed(blend, theta, holt_winters) or choice != choice_of(blend, theta, holt_winters):
            raise ValueError(f"choice {choice!r} with the weights of seasonal naive {blend!r}, Theta {theta!r} and "
                             f"Holt-Winters {holt_winters!r}")
    except (LstmlabError, KeyError, TypeError, ValueError, RuntimeError, SafetensorError) as exc:
        raise LstmlabError(f"model directory {path} is inconsistent: {exc}") from None
    net.eval()
    model.model_, model.config_, model.series_, model.kind_ = net, cfg, series, state.get("kind", "series")
    model.covariates_ = covs
    model.calibration_scores_, model.cqr_scores_ = scores, cqr
    model.signed_errors_, model.pit_, model.dist_validation_ = signed, pit, dist
    model.history_, model.validation_, model.blend_, model.theta_ = history, validation, blend, theta
    model.holt_winters_ = holt_winters
    return model
