"""``python -m rasad.spark run|bench`` (see :mod:`rasad.spark.cli`)."""
import sys

from .cli import main

sys.exit(main())
