"""Every leaf command's --help ends with examples, and every example is a command line the parser accepts."""

import argparse
import shlex

import pytest

from lstmlab.cli.main import build_parser


def leaves(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> list[tuple[str, argparse.ArgumentParser]]:
    """(command words, parser) of every command without sub-commands, found recursively."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [(" ".join(words), parser)]
    return [leaf for a in subs for name, p in a.choices.items() for leaf in leaves(p, (*words, name))]


def examples(help_text: str) -> list[str]:
    """The command lines under "Examples:", up to the next unindented line, with continuations joined."""
    _, found, rest = help_text.partition("\nExamples:\n")
    lines = []
    for line in rest.splitlines() if found else []:
        if line and not line[0].isspace():
            break
        if lines and lines[-1].endswith("\\"):
            lines[-1] = lines[-1][:-1] + line
        elif line.startswith("  lstmlab "):
            lines.append(line)
    return lines


def words(line: str) -> list[str]:
    """The words of one example as the shell splits them (comments dropped), up to a pipe or redirect."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    out = []
    for word in lexer:
        if word and set(word) <= set("|&;<>()"):
            break
        out.append(word)
    return out


LEAVES = leaves(build_parser())


def test_every_command_is_found():
    assert {"trace", "datasets", "memory run", "memory summary", "memory gradients", "memory gates", "demo",
            "forecast fit", "forecast predict", "forecast evaluate", "forecast backtest",
            "forecast tune"} <= {name for name, _ in LEAVES}


@pytest.mark.parametrize("name, parser", LEAVES, ids=[name for name, _ in LEAVES])
def test_help_has_examples_that_parse(name, parser):
    lines = examples(parser.format_help())
    assert lines, f"`lstmlab {name} --help` has no \"Examples:\" section with a line starting '  lstmlab '"
    n = len(name.split())
    assert any(words(line)[i:i + n] == name.split() for line in lines for i in range(len(words(line)))), \
        f"`lstmlab {name} --help` has no example of `lstmlab {name}` itself"  # others may follow, e.g. the next step
    for line in lines:
        argv = words(line)
        try:
            build_parser().parse_args(argv[1:])
        except SystemExit:
            pytest.fail(f"`lstmlab {name} --help` gives an example that does not parse: {line.strip()}")


def test_memory_tasks_are_listed_from_the_registry():
    from lstmlab.tasks import TASKS

    for name, parser in LEAVES:
        if name.startswith("memory ") and name != "memory summary":
            assert "{" + ",".join(TASKS) + "}" in parser.format_help()


def test_the_example_reader():
    text = ("usage: x\n\nExamples:\n  lstmlab a --b \"1;2\"  # a comment | not a pipe\n  lstmlab a | head\n"
            "                       # a note\n  lstmlab a --c \\\n    --d 1 > out.txt\n\nnotes:\n  lstmlab z\n")
    assert [words(line) for line in examples(text)] == [
        ["lstmlab", "a", "--b", "1;2"], ["lstmlab", "a"], ["lstmlab", "a", "--c", "--d", "1"]]
