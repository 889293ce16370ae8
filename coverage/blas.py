"""One OpenBLAS thread for the command line, set before NumPy is first imported.

Nothing in a report or a render multiplies matrices, yet NumPy's bundled OpenBLAS
starts a thread pool as it loads: about 60 ms of a 0.3 s report on a 2-core
machine (``python -X importtime``; measured with and without). Importing this
module first (:mod:`coverage.cli` does) asks for one thread; a value the user
has set is kept.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
