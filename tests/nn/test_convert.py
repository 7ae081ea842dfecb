import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lstmlab.nn.convert import to_glassbox  # noqa: E402
from lstmlab.nn.model import SequenceModel  # noqa: E402


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("head", ["last", "all"])
def test_glassbox_copy_gives_the_same_outputs(cell, head):
    torch.manual_seed(0)
    model = SequenceModel(3, 4, 2, cell=cell, num_layers=2, head=head).double()
    x = np.random.default_rng(0).normal(size=(5, 7, 3))
    with torch.no_grad():
        ref = model(torch.from_numpy(x)).numpy()
    gb = to_glassbox(model)
    out, trace = gb.forward(x)
    np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-12)
    assert trace["h"].shape == (2, 5, 7, 4)
