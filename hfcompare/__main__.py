"""`python -m hfcompare ...`"""

import sys

from hfcompare.cli import main

sys.exit(main())
