"""Memory experiments: runs and sweeps over cell x length x seed, summaries, gradient flow, gates.

Importing this package does not import torch (training imports it when it runs).
"""

from lstmlab.lab.experiments import GradientExperiment, gate_experiment, gate_reading, gradient_experiment
from lstmlab.lab.gates import GateReading, read_gates
from lstmlab.lab.gradients import GradientFlow, gradient_flow
from lstmlab.lab.run import RunConfig, RunRecord, run_one
from lstmlab.lab.summary import (Row, conclusions, config_label, crossover, gate_conclusions, gradient_conclusions,
                                 label, longest_solved, summarize)
from lstmlab.lab.sweep import grid, load_records, sweep

__all__ = ["GateReading", "GradientExperiment", "GradientFlow", "Row", "RunConfig", "RunRecord", "conclusions",
           "config_label", "crossover", "gate_conclusions", "gate_experiment", "gate_reading", "gradient_conclusions",
           "gradient_experiment", "gradient_flow", "grid", "label", "load_records", "longest_solved", "read_gates",
           "run_one", "summarize", "sweep"]
