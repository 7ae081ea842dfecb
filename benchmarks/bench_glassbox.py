"""glassbox (NumPy) against torch's CPU nn.LSTM, one thread each, side by side in one run.

Reproduce (the numbers in docs/benchmarks.md and docs/glassbox.md):

    OMP_NUM_THREADS=1 taskset -c 1 .venv/bin/python benchmarks/bench_glassbox.py

    # the same, once with OpenBLAS's own kernel choice and once with its Haswell kernels
    OMP_NUM_THREADS=1 taskset -c 1 .venv/bin/python benchmarks/bench_glassbox.py --openblas-coretype default Haswell

For every shape, the five timings (glassbox forward, torch forward, glassbox forward+backward,
torch forward+backward, glassbox forward+backward with reuse) are interleaved repeat by repeat, so
a slow spell of a shared machine hits both sides alike; the table shows medians and the ratio
glassbox / torch (below 1: glassbox faster).

* forward: glassbox ``net.forward(x)`` (which always keeps the full gate trace) against torch
  ``module(x)`` under ``torch.no_grad()`` (torch's fastest path).
* forward+backward: glassbox ``forward`` + ``backward(d_out, trace)`` against torch ``module(x)`` +
  ``out.backward(d_out)`` with ``x.requires_grad_()``; both produce every parameter gradient and the
  input gradient. Each call's trace is gone when the call returns, so the next forward writes its
  trace into that memory (the network keeps it), as in a training loop.
* forward+backward, reuse: the same for glassbox with the previous step's trace passed
  explicitly, ``forward(x, reuse=trace)``.

``--openblas-coretype`` runs the whole table once per value in a fresh process (OpenBLAS picks its
kernels when numpy loads): ``default`` leaves the choice to OpenBLAS, any other value is put in
``OPENBLAS_CORETYPE`` (``Haswell`` forces the AVX2 kernels on any x86 CPU).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

SHAPES = [  # (B, T, I, H, L)
    (32, 50, 1, 64, 2),
    (64, 100, 8, 128, 1),
    (256, 50, 32, 256, 1),
]


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_shape(cell: str, shape: tuple[int, ...], repeats: int, seed: int) -> dict[str, float]:
    """Median seconds of the five measurements for one shape."""
    import torch

    from lstmlab import glassbox

    B, T, I, H, L = shape
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    module = getattr(torch.nn, cell.upper())(I, H, L, batch_first=True)  # float32
    net = glassbox.NETWORKS[cell].from_torch(module)
    x = rng.normal(size=(B, T, I)).astype(np.float32)  # (B, T, I)
    d_out = rng.normal(size=(B, T, H)).astype(np.float32)  # (B, T, H)
    xt, dt = torch.from_numpy(x), torch.from_numpy(d_out)

    def gb_fwd():
        net.forward(x)

    def gb_fwd_bwd():
        _, _, trace = net.forward(x)
        net.backward(d_out, trace)

    last = {}

    def gb_fwd_bwd_reuse():
        _, _, last["trace"] = net.forward(x, reuse=last.get("trace"))
        net.backward(d_out, last["trace"])

    def torch_fwd():
        with torch.no_grad():
            module(xt)

    def torch_fwd_bwd():
        module.zero_grad(set_to_none=True)
        xg = xt.clone().requires_grad_()
        out, _ = module(xg)
        out.backward(dt)

    fns = {"gb_fwd": gb_fwd, "torch_fwd": torch_fwd, "gb_fwd_bwd": gb_fwd_bwd, "torch_fwd_bwd": torch_fwd_bwd,
           "gb_fwd_bwd_reuse": gb_fwd_bwd_reuse}
    for fn in fns.values():  # warm-up
        fn()
    times = {k: [] for k in fns}
    for _ in range(repeats):
        for k, fn in fns.items():
            times[k].append(_timed(fn))
    return {k: statistics.median(v) for k, v in times.items()}


def blas() -> str:
    """numpy's BLAS as threadpoolctl reports it, e.g. ``openblas 0.3.31.188.0, Haswell kernels``."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS unknown (no threadpoolctl)"
    info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not info:
        return "BLAS unknown"
    return f"{info[0]['internal_api']} {info[0]['version']}, {info[0].get('architecture')} kernels"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15, help="timed repeats per measurement (median reported)")
    parser.add_argument("--cell", default="lstm", choices=("lstm", "gru", "rnn"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--openblas-coretype", nargs="+", metavar="CORETYPE",
                        help="run once per value in a fresh process: 'default' or an OPENBLAS_CORETYPE such as Haswell")
    args = parser.parse_args(argv)

    if args.openblas_coretype:
        base = [sys.executable, os.path.abspath(__file__), "--repeats", str(args.repeats), "--cell", args.cell,
                "--seed", str(args.seed)]
        for coretype in args.openblas_coretype:
            env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
            if coretype != "default":
                env["OPENBLAS_CORETYPE"] = coretype
            print(f"\n## OPENBLAS_CORETYPE={coretype if coretype != 'default' else '(unset)'}", flush=True)
            subprocess.run(base, env=env, check=True)
        return

    import torch

    torch.set_num_threads(1)
    print(f"# {args.cell.upper()}, float32, one thread: numpy {np.__version__} ({blas()}), torch {torch.__version__}, "
          f"python {platform.python_version()}, {platform.machine()}; medians of {args.repeats} repeats")
    print("| shape | glassbox fwd (ms) | torch fwd (ms) | ratio fwd | glassbox fwd+bwd (ms) | "
          "torch fwd+bwd (ms) | ratio fwd+bwd | glassbox fwd+bwd, reuse (ms) | ratio reuse |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for shape in SHAPES:
        m = bench_shape(args.cell, shape, args.repeats, args.seed)
        label = "B{}·T{}·I{}·H{}·L{}".format(*shape)
        print(f"| {label} | {1e3 * m['gb_fwd']:.2f} | {1e3 * m['torch_fwd']:.2f} | "
              f"{m['gb_fwd'] / m['torch_fwd']:.2f} | {1e3 * m['gb_fwd_bwd']:.2f} | "
              f"{1e3 * m['torch_fwd_bwd']:.2f} | {m['gb_fwd_bwd'] / m['torch_fwd_bwd']:.2f} | "
              f"{1e3 * m['gb_fwd_bwd_reuse']:.2f} | {m['gb_fwd_bwd_reuse'] / m['torch_fwd_bwd']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
