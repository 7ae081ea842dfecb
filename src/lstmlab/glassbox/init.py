"""Parameter names, shapes and initialisation, in torch's layout."""

from __future__ import annotations

import numpy as np

from lstmlab.errors import LstmlabTypeError
from lstmlab.glassbox.cells import CELLS

DTYPES = {"float32": np.float32, "float64": np.float64}


def check_dtype(dtype) -> type:
    """Return ``np.float32`` or ``np.float64`` for ``dtype`` (a NumPy dtype, type or name), else raise."""
    try:
        name = np.dtype(dtype).name
    except TypeError as exc:
        raise LstmlabTypeError(f"unknown dtype {dtype!r}: expected float32 or float64") from exc
    if name not in DTYPES:
        raise LstmlabTypeError(f"unsupported dtype {name!r}: expected float32 or float64")
    return DTYPES[name]


def param_shapes(cell: str, input_size: int, hidden_size: int, num_layers: int) -> dict[str, tuple[int, ...]]:
    """Torch's parameter names and shapes: ``weight_ih_l{k} (G*H, I_k)``, ``weight_hh_l{k} (G*H, H)``,
    ``bias_ih_l{k} (G*H,)``, ``bias_hh_l{k} (G*H,)``, where ``I_0 = input_size`` and ``I_k = H`` above."""
    G = CELLS[cell].n_gates * hidden_size
    shapes = {}
    for k in range(num_layers):
        n_in = input_size if k == 0 else hidden_size
        shapes[f"weight_ih_l{k}"] = (G, n_in)
        shapes[f"weight_hh_l{k}"] = (G, hidden_size)
        shapes[f"bias_ih_l{k}"] = (G,)
        shapes[f"bias_hh_l{k}"] = (G,)
    return shapes


def init_params(cell: str, input_size: int, hidden_size: int, num_layers: int, dtype,
                rng: np.random.Generator, forget_bias: float = 0.0) -> dict[str, np.ndarray]:
    """Draw every parameter from U(-1/sqrt(H), 1/sqrt(H)), as torch does.

    ``forget_bias`` (LSTM only) is added to the forget-gate block of every ``bias_ih_l{k}``;
    0 leaves torch's initialisation unchanged.
    """
    k = 1.0 / np.sqrt(hidden_size)
    params = {}
    for name, shape in param_shapes(cell, input_size, hidden_size, num_layers).items():
        params[name] = rng.uniform(-k, k, size=shape).astype(dtype)
    if forget_bias:
        H = hidden_size
        for layer in range(num_layers):
            params[f"bias_ih_l{layer}"][H:2 * H] += dtype(forget_bias)
    return params
