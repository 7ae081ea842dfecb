"""The README holds on any machine: its commands parse, its trace output is what `trace` prints, and
`demo --help` promises no timing of its own (measured times live in the README, with their machine)."""

import argparse
import re
import shlex
from pathlib import Path

import pytest

from lstmlab.cli.main import build_parser, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str) -> list[str]:
    """The bodies of the fenced code blocks."""
    return re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)


def commands(block: str) -> list[str]:
    """The `lstmlab ...` lines of a block (a leading "$ " dropped), with backslash continuations joined."""
    lines, joined = [], ""
    for line in block.splitlines():
        joined = joined + line.strip() if joined else line.strip()
        if joined.endswith("\\"):
            joined = joined[:-1] + " "
            continue
        joined = joined.removeprefix("$ ")
        if joined.startswith("lstmlab "):
            lines.append(joined)
        joined = ""
    return lines


README_COMMANDS = [line for block in code_blocks(README) for line in commands(block)]


def test_the_readme_has_commands_to_check():
    assert any(line.startswith("lstmlab trace ") for line in README_COMMANDS)
    assert any(line.startswith("lstmlab memory run") for line in README_COMMANDS)


@pytest.mark.parametrize("line", README_COMMANDS)
def test_every_command_in_a_readme_code_block_parses(line):
    argv = shlex.split(line, comments=True)[1:]
    try:
        build_parser().parse_args(argv)
    except SystemExit:
        pytest.fail(f"the README shows a command the parser refuses: {line}")


def test_the_readme_trace_output_is_what_trace_prints(capsys):
    # A forward pass with seeded weights, no training: the digits hold across CPUs and kernels.
    block = next(b for b in code_blocks(README) if b.startswith("$ lstmlab trace "))
    command, *shown = block.splitlines()
    shown = shown[:shown.index("...")]
    assert main(shlex.split(command.removeprefix("$ "))[1:]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:len(shown)] == shown


def test_demo_help_promises_no_timing():
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    text = commands.choices["demo"].format_help()
    assert not re.search(r"\d+\s*(s|sec|seconds|min|minutes)\b", text), text
    assert "README" in text
