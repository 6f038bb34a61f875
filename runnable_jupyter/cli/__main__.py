"""`python -m runnable_jupyter.cli`."""

import sys

from .commands import main

sys.exit(main())
