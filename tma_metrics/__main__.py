"""Entry point of ``python -m tma_metrics``."""

from __future__ import annotations

import sys

from tma_metrics.cli import main

if __name__ == "__main__":
    sys.exit(main())
