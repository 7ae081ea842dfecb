import numpy as np
import pytest

from lstmlab.tasks import IGNORE, TASKS, get_task
from lstmlab.tasks import adding as adding_mod
from lstmlab.tasks import born_in as born
from lstmlab.tasks.base import accuracy, majority_baseline


@pytest.mark.parametrize("name", TASKS)
def test_shapes_dtypes_and_determinism(name):
    task = get_task(name)
    x, y = task.sample(50, 12, np.random.default_rng(3))
    assert x.dtype == np.float32 and x.ndim == 3 and x.shape[0] == 50 and x.shape[2] == task.n_inputs
    if task.head == "last":
        assert y.shape == (50,)
    else:
        assert y.shape == x.shape[:2]
    x2, y2 = task.sample(50, 12, np.random.default_rng(3))
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    x3, _ = task.sample(50, 12, np.random.default_rng(4))
    assert not np.array_equal(x, x3)


@pytest.mark.parametrize("name", [n for n in TASKS if get_task(n).kind == "classify"])
def test_baseline_near_one_over_classes_for_balanced_tasks(name):
    task = get_task(name)
    rng = np.random.default_rng(0)
    _, ytr = task.sample(4000, 12, rng)
    _, yte = task.sample(4000, 12, rng)
    chance = task.baseline(ytr, yte)
    expected = 0.5 if name.startswith("parity") else 1 / task.n_outputs
    assert abs(chance - expected) < 0.03


def test_parity_label_is_first_digit_even():
    task = get_task("parity")
    x, y = task.sample(200, 7, np.random.default_rng(1))
    first = x[:, 0].argmax(-1)
    np.testing.assert_array_equal(y, (first % 2 == 0).astype(int))
    xs, ys = get_task("parity-scalar").sample(200, 7, np.random.default_rng(1))
    np.testing.assert_array_equal(ys, (xs[:, 0, 0].astype(int) % 2 == 0).astype(int))
    np.testing.assert_array_equal(xs[..., 0], x.argmax(-1))  # same digits, other encoding


def test_adding_problem_definition():
    x, y = get_task("adding").sample(500, 100, np.random.default_rng(2))
    values, marks = x[..., 0], x[..., 1]
    assert values.min() >= -1 and values.max() <= 1
    np.testing.assert_array_equal(marks.sum(1), 2)
    first = marks.argmax(1)
    assert first.max() < 10
    assert (marks[:, 50:] == 0).all()  # both markers in the first half
    np.testing.assert_allclose(y, 0.5 + (values * marks).sum(1) / 4, atol=1e-6)
    assert adding_mod.solved_fraction(y + 0.039, y) == 1.0 and adding_mod.solved_fraction(y + 0.041, y) == 0.0


def test_adding_baseline_is_the_constant_predictor():
    rng = np.random.default_rng(0)
    _, ytr = get_task("adding").sample(20000, 50, rng)
    _, yte = get_task("adding").sample(20000, 50, rng)
    base = get_task("adding").baseline(ytr, yte)
    # (X1 + X2) is triangular on [-2, 2]: P(|X1 + X2| < 0.16) = 0.16 - 0.16**2 / 4 = 0.1536
    assert abs(base - 0.1536) < 0.01


def test_copy_scores_only_recall_steps():
    task = get_task("copy")
    x, y = task.sample(20, 6, np.random.default_rng(0))
    k = 5
    assert (y[:, :-k] == IGNORE).all() and (y[:, -k:] >= 0).all()
    np.testing.assert_array_equal(y[:, -k:], x[:, :k].argmax(-1))
    perfect = np.eye(task.n_outputs)[np.where(y == IGNORE, 0, y)]  # (N, T, C)
    assert accuracy(perfect, y) == 1.0


def test_order_classes_follow_the_symbols():
    x, y = get_task("order").sample(300, 40, np.random.default_rng(0))
    tok = x.argmax(-1)
    rel = [row[(row == 4) | (row == 5)] - 4 for row in tok]
    assert all(len(r) == 2 for r in rel)
    np.testing.assert_array_equal(y, [2 * r[0] + r[1] for r in rel])


def test_born_in_sentence_and_answer():
    tokens, y = born.sentences(30, 4, np.random.default_rng(0))
    assert tokens.shape == (30, 4 + 11)
    for row, c in zip(tokens, y):
        words = born.words(row)
        assert words[:4] == ["i", "was", "born", "in"] and words[-5:] == [".", "i", "grew", "up", "in"]
        assert words[4] == born.COUNTRIES[c]
        assert all(w in born.FILLER for w in words[6:-5])


def test_majority_baseline_ignores_unscored():
    ytr = np.array([1, 1, 0, IGNORE, IGNORE])
    yte = np.array([1, 0, IGNORE, 1])
    assert majority_baseline(ytr, yte) == pytest.approx(2 / 3)


def test_bad_arguments():
    task = get_task("parity")
    with pytest.raises(ValueError, match="unknown task 'nope'"):
        get_task("nope")
    with pytest.raises(ValueError, match="length must be >= 1, got 0"):
        task.sample(5, 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match="n must be >= 1"):
        task.sample(0, 5, np.random.default_rng(0))
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        task.sample(5, 5, 0)
    with pytest.raises(ValueError, match="adding problem needs length >= 2"):
        get_task("adding").sample(5, 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="temporal order needs length >= 10"):
        get_task("order").sample(5, 3, np.random.default_rng(0))
