"""One project error type: the CLI turns it (and OSError) into one line and exit status 2; other errors are bugs."""

import pytest

from lstmlab.cli import datasets
from lstmlab.cli.main import main
from lstmlab.errors import LstmlabError, LstmlabKeyError, LstmlabTypeError


def test_variants_are_project_errors_and_keep_the_builtin_meaning():
    assert issubclass(LstmlabError, ValueError)
    assert issubclass(LstmlabTypeError, LstmlabError) and issubclass(LstmlabTypeError, TypeError)
    assert issubclass(LstmlabKeyError, LstmlabError) and issubclass(LstmlabKeyError, KeyError)
    assert str(LstmlabKeyError("'h' is not traced")) == "'h' is not traced"  # not KeyError's repr of the message


@pytest.mark.parametrize("error", [LstmlabError("bad --x"), LstmlabTypeError("bad --x"), LstmlabKeyError("bad --x"),
                                   FileNotFoundError("bad --x")])
def test_cli_turns_user_errors_into_one_line_and_status_2(monkeypatch, capsys, error):
    def fail(args):
        raise error

    monkeypatch.setattr(datasets, "run", fail)
    assert main(["datasets"]) == 2
    assert capsys.readouterr().err == "lstmlab datasets: error: bad --x\n"


@pytest.mark.parametrize("error", [ValueError("a bug"), TypeError("a bug"), KeyError("a bug")])
def test_cli_lets_other_errors_show_as_bugs(monkeypatch, error):
    def fail(args):
        raise error

    monkeypatch.setattr(datasets, "run", fail)
    with pytest.raises(type(error), match="a bug"):
        main(["datasets"])
