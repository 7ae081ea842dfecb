"""``python -m lstmlab``: the command line, also under ``torchrun -m lstmlab``."""

import sys

from lstmlab.cli.main import main

sys.exit(main())
