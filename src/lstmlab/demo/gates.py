"""Section 2: the gates of the LSTM trained in section 1, read token by token on one sentence."""

from __future__ import annotations

from lstmlab.demo.context import DemoContext
from lstmlab.demo.result import SectionResult

INTRO = """\
Diagrams of an LSTM draw its gates as valves that open and close with meaning. Here are the real ones: the LSTM \
trained in section 1 at the long distance is loaded into the glass-box engine (weights converted exactly) and \
run on one test sentence; the engine records the input, forget and output gates and the cell state of every \
unit at every token.

Two things are worth looking for. Does the network do something different at the country word than at the \
filler words (a burst of the input gate, a change in the cell state)? And do some units hold their cell state \
over the filler (forget gate near 1), which is the mechanism the LSTM was designed around? The saturation \
numbers count how often each gate is nearly shut (below 0.1) or nearly open (above 0.9)."""
