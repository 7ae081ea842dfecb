"""Section 1: the memory problem, measured: gradient flow RNN vs LSTM and the "born in" task."""

from __future__ import annotations

from lstmlab.demo.context import DemoContext
from lstmlab.demo.phrases import Estimate, compare, pct
from lstmlab.demo.result import SectionResult

INTRO = """\
A recurrent network reads a sequence one step at a time and carries a state forward. To learn that something \
early in the sequence matters at the end, training needs a gradient that travels back from the loss to that \
early step. In a plain tanh RNN this gradient is multiplied, at every step back, by the recurrent weights and \
the tanh slope; it tends to shrink geometrically with the distance. The LSTM's cell state is updated additively, \
scaled only by the forget gate, which gives the gradient a path that can stay open.

Two measurements test this here. First, the size of the gradient of the loss with respect to the hidden state \
at each step before the end, averaged over a batch, for an RNN and an LSTM of the same width. Second, a small \
language task in the spirit of "I was born in France ... I grew up in ___": generated sentences name a country, \
then run on with filler words, then ask for the country again. Both cells are trained on the same sentences at a \
short and a long distance between the country and the question, and scored on sentences they never saw, with a \
95% confidence interval on the test accuracy and the chance level computed from the data."""


def conclude(n: dict) -> list[str]:
    """Sentences from this section's numbers (see ``run`` for the keys)."""
    out = []
    g = n["gradient"]
    lag = g["max_lag"]
    r_rnn, r_lstm = g["ratio_rnn"], g["ratio_lstm"]
    if r_rnn < r_lstm:
        how = f"the RNN's shrank {r_lstm / r_rnn:.3g} times more than the LSTM's" if r_rnn > 0 else \
            "the RNN's vanished entirely"
    elif r_rnn > r_lstm:
        how = f"the LSTM's shrank {r_rnn / r_lstm:.3g} times more than the RNN's, against the usual story"
    else:
        how = "both shrank by the same factor"
    out.append(f"Gradient {lag} steps back, relative to one step back ({g['when']}): {r_rnn:.3g} for the RNN, "
               f"{r_lstm:.3g} for the LSTM; {how}.")
    for key in ("short", "long"):
        d = n["born_in"][key]
        lstm, rnn = (Estimate(name.upper(), *d[name]) for name in ("lstm", "rnn"))
        chance = d["chance"]
        sentence = compare(lstm, rnn, f"test accuracy at distance {d['distance']}", fmt="{:.3f}")
        at_chance = [e.name for e in (rnn, lstm) if e.lo <= chance]
        tail = (f" Chance level is {pct(chance)}; " +
                (f"{' and '.join(at_chance)} did not get clearly above it." if at_chance else
                 "both were clearly above it."))
        out.append(sentence + tail)
    return out
