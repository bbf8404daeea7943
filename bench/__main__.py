"""``python -m bench [--size small|full|large] [--out DIR]``: the benchmark, from the repo root."""

from __future__ import annotations

import sys

from tma_metrics.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
