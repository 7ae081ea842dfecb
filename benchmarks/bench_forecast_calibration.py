"""Why the AirPassengers intervals over-cover: where the conformal scores of each calibration scheme lie.

    OMP_NUM_THREADS=1 taskset -c 1 .venv/bin/python benchmarks/bench_forecast_calibration.py --seeds 3

Scores are |y - ŷ| / sd(input window), as in LSTMForecaster's intervals, averaged over windows and
the 12 steps. The series: AirPassengers, windows 24 -> 12 over the first 120 months (85 windows;
window i forecasts months i+24 .. i+35); the test: the 13 rolling origins 120..132 of the
benchmark. Every network below is trained like the final (refitted) network of LSTMForecaster:
the full one-cycle schedule, no early stopping, default settings. Printed per seed:

1. default model: the mean calibration score (early-stopped networks on the 17 validation windows,
   with the epoch early stopping kept) and the mean test score of the refitted network, with the
   pooled 90 % coverage.
2. networks trained on windows 0..n-1 (n = 46, 57, 68, 85): mean score on the test origins, and on
   the 17 windows after a gap of 11 (the validation block of a split at n) where those exist.
3. cross-conformal (Vovk 2015; CV+ style folds, Barber et al. 2021): 5 contiguous blocks of
   windows, each scored by a network trained on all other windows except 11 on each side of the
   block (no shared targets); mean score per block, and the 90 % coverage of the final network
   with the 85 out-of-fold scores (pooled rule) instead of the 17 validation ones.
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np

L, H, LEVEL = 24, 12, 0.9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    import torch

    from lstmlab.forecast import LSTMForecaster, coverage, load_dataset
    from lstmlab.forecast.intervals import conformal_quantiles, conformal_scores
    from lstmlab.forecast.model import ForecastNet, normalized_mse
    from lstmlab.forecast.train import TrainConfig, train

    torch.set_num_threads(1)
    v = load_dataset("airpassengers").to_numpy().copy()  # (144,)
    W = torch.as_tensor(v, dtype=torch.float32).unfold(0, L + H, 1)  # (109, 36): window i starts at month i
    X, Y = W[:, :L], W[:, L:]
    n_fit = 120 - L - H + 1  # 85 windows inside the first 120 months
    test = np.arange(120 - L, 133 - L)  # windows of origins 120..132

    def scores(net, idx) -> np.ndarray:
        with torch.no_grad():
            pred = net(X[idx]).double().numpy()
        x = X[idx].double().numpy()
        return conformal_scores(Y[idx].double().numpy(), pred, np.sqrt(x.var(axis=1, keepdims=True) + 1e-5))

    rows = {k: [] for k in ("cal", "test", "cv_cov", "split_cov")}
    for seed in range(0, 100 * args.seeds, 100):
        model = LSTMForecaster(horizon=H, seasonal_period=12, input_size=L, seed=seed).fit(v[:120])
        cfg = model.config_
        tcfg = TrainConfig(epochs=cfg.epochs, batch_size=cfg.batch_size, learning_rate=cfg.learning_rate, seed=seed)
        Xt, Yt = X[test].double().numpy(), Y[test].double().numpy()
        pred, lo, hi = model.predict_windows(Xt, level=LEVEL)
        sd = np.sqrt(Xt.var(axis=1, keepdims=True) + 1e-5)
        test_scores = conformal_scores(Yt, pred, sd)
        rows["cal"].append(model.calibration_scores_.mean())
        rows["test"].append(test_scores.mean())
        rows["split_cov"].append(coverage(Yt, lo, hi))
        print(f"seed {seed}: default model: calibration score {model.calibration_scores_.mean():.3f} "
              f"(17 validation windows; early stopping kept epoch {model.history_.best_epoch + 1} of "
              f"{cfg.epochs}), refitted network on the test origins {test_scores.mean():.3f}, "
              f"coverage {rows['split_cov'][-1]:.3f}", flush=True)

        def fresh(k: int) -> ForecastNet:
            torch.manual_seed(seed + k)
            return ForecastNet(L, H, cfg.cell, cfg.hidden_size, cfg.num_layers, cfg.dropout, cfg.patch_len)

        for n in (46, 57, 68, n_fit):
            net = fresh(0)
            train(net, normalized_mse, X, Y, torch.arange(n), None, tcfg)
            after = np.arange(n + H - 1, min(n + H - 1 + 17, n_fit))
            nxt = f"{scores(net, after).mean():.3f} on windows {after[0]}..{after[-1]}" if len(after) else "-"
            print(f"  trained on windows 0..{n - 1}: test origins {scores(net, test).mean():.3f}; next block {nxt}",
                  flush=True)
        edges = np.linspace(0, n_fit, 6).round().astype(int)
        out_of_fold = []
        for k in range(5):
            a, b = edges[k], edges[k + 1]
            keep = torch.tensor([i for i in range(n_fit) if i < a - (H - 1) or i >= b + (H - 1)])
            net = fresh(k)
            train(net, normalized_mse, X, Y, keep, None, tcfg)
            out_of_fold.append(scores(net, np.arange(a, b)))
        cv = np.concatenate(out_of_fold)  # (85, 12)
        half = conformal_quantiles(cv, LEVEL) * sd
        rows["cv_cov"].append(coverage(Yt, pred - half, pred + half))
        print(f"  cross-conformal, 5 blocks: block mean scores {[round(float(s.mean()), 3) for s in out_of_fold]}; "
              f"coverage with the 85 out-of-fold scores {rows['cv_cov'][-1]:.3f}", flush=True)
    print("medians: " + ", ".join(f"{k} {statistics.median(r):.3f}" for k, r in rows.items()))


if __name__ == "__main__":
    main()
