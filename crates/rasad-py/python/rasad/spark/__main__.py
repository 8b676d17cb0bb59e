"""``python -m rasad.spark run|bench`` (see :mod:`rasad.spark.cli`). Absolute import, so
``spark-submit .../rasad/spark/__main__.py run ...`` works too (a script has no package)."""
import sys

from rasad.spark.cli import main

if __name__ == "__main__":
    sys.exit(main())
