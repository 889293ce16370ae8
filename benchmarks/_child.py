"""Run one benchmark function in a fresh process.

python -m benchmarks._child MODULE FUNC ARGS.json OUT.json
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings
from pathlib import Path


def main(argv: list[str]) -> int:
    module, func, args_path, out_path = argv
    warnings.simplefilter("ignore")
    args = json.loads(Path(args_path).read_text())
    result = getattr(importlib.import_module(f"benchmarks.{module}"), func)(args)
    tmp = Path(out_path + ".tmp")
    tmp.write_text(json.dumps(result, default=_default))
    tmp.replace(out_path)
    return 0


def _default(obj):
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
