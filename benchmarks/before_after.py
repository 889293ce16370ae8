"""Our report before and after a change, and the peer, as whole commands run in turn.

python -m benchmarks.before_after OLD_CHECKOUT [--repeats 7] [--out FILE.json]

``OLD_CHECKOUT`` is another checkout of this repository (``git worktree add /tmp/old
<commit>``). For the story and 1,000 random sites (:mod:`benchmarks.scaling`'s), with
and without ``--by-site``, three commands run in turn (old, new, peer; old, new,
peer; …) after one untimed round (caches, OS file cache): ``python -m coverage report
… --format csv`` in each checkout, and ``python -m benchmarks.peer``. Printed and
written: the median wall and CPU time (user + system) of each, with min and max, and
the medians of the per-round ratios peer ÷ old and peer ÷ new (wall time). Each
checkout's outputs are compared with the peer's as the scaling section does.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import PY, ROOT, summary
from benchmarks.scaling import STORY, _read_csv, _run, agreement, peer_sites, random_peer_sites, scenario_dict


def _in(checkout: Path, cmd: list[str]) -> list[str]:
    return ["env", "-C", str(checkout), f"PYTHONPATH={checkout}", *cmd]


def compare(old: Path, repeats: int) -> dict[str, Any]:
    out: dict[str, Any] = {"old": str(old), "new": str(ROOT), "repeats": repeats}
    with tempfile.TemporaryDirectory(prefix="bench-before-after-") as tmp:
        sites = Path(tmp) / "sites-1000.json"
        sites.write_text(json.dumps(scenario_dict(1000)))
        peer_story, peer_1000 = Path(tmp) / "peer-story.json", Path(tmp) / "peer-1000.json"
        peer_story.write_text(json.dumps(peer_sites(str(STORY))))
        peer_1000.write_text(json.dumps(random_peer_sites(1000)))
        cases = {
            "story": (STORY, peer_story, []),
            "1000": (sites, peer_1000, []),
            "story --by-site": (STORY, peer_story, ["--by-site"]),
            "1000 --by-site": (sites, peer_1000, ["--by-site"]),
        }
        for name, (scenario, plain, extra) in cases.items():
            report = [PY, "-m", "coverage", "report", str(scenario), "--format", "csv", *extra]
            cmds = {
                "old": _in(old, report),
                "new": _in(ROOT, report),
                "peer": [PY, "-m", "benchmarks.peer", str(plain), *extra],
            }
            first = {key: _run(cmd, 600.0) for key, cmd in cmds.items()}  # untimed
            peer_rows = _read_csv(first["peer"][2])
            rounds = [{key: _run(cmd, 600.0)[:2] for key, cmd in cmds.items()} for _ in range(repeats)]
            case: dict[str, Any] = {
                key: {
                    "wall_s": summary([r[key][0] for r in rounds]),
                    "cpu_s": summary([r[key][1] for r in rounds]),
                }
                for key in cmds
            }
            for key in ("old", "new"):
                case[f"peer_over_{key}"] = summary([r["peer"][0] / r[key][0] for r in rounds])
                case[f"agreement_{key}"] = agreement(_read_csv(first[key][2]), peer_rows)
            out[name] = case
            print(_line(name, case), flush=True)
    return out


def _line(name: str, case: dict[str, Any]) -> str:
    def fig(key: str) -> str:
        wall, cpu = case[key]["wall_s"], case[key]["cpu_s"]
        return (
            f"{key} {wall['median']:.3f} s [{wall['min']:.3f}–{wall['max']:.3f}] (CPU {cpu['median']:.3f} s)"
        )

    ratios = " ".join(
        f"peer/{k} {case[f'peer_over_{k}']['median']:.2f}× "
        f"[{case[f'peer_over_{k}']['min']:.2f}–{case[f'peer_over_{k}']['max']:.2f}]"
        for k in ("old", "new")
    )
    agree = all(case[f"agreement_{k}"]["within_accuracy"] for k in ("old", "new"))
    return f"{name}: {fig('old')}; {fig('new')}; {fig('peer')}; {ratios}; agree {agree}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.before_after", description=__doc__.splitlines()[0]
    )
    parser.add_argument("old", type=Path, help="the other checkout (before the change)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = compare(args.old.resolve(), args.repeats)
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
