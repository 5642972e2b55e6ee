"""`python -m hfcompare ...` (the same as the `hfcompare` command)."""

from hfcompare.cli import run

run()
