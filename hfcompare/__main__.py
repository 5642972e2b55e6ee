"""`python -m hfcompare ...`"""

import os
import sys

from hfcompare.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # the reader (`| head`) stopped early: not an error of ours; silence the final flush too
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 0
sys.exit(code)
