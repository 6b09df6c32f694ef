"""Where the time goes, per module: `check --format jsonl` run under cProfile in this process,
its own time summed by module (qianbai_rules.<stage>.<module>, or the library's top package).

It needs nothing of the pipeline but the command line, so it still works when the stages that
``stage_profile.py`` follows are renamed; cProfile's own cost inflates every call (the
shares, not the microseconds, are what to read).
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from qianbai_rules.cli.app import main as qianbai_main


@dataclass(frozen=True)
class ModuleProfile:
    engine: str
    records: int
    modules: list[tuple[str, float]]  # module, own seconds; largest first
    whole_s: float  # the whole run under the profiler

    def table(self, top: int = 25) -> str:
        n = self.records
        lines = [f"Per-module profile (cProfile, own time), {self.engine} evaluator, {n:,} generated "
                 "records (µs per record; share of the profiled run)",
                 f"  {'module':<52} {'µs/record':>10} {'share':>7}"]
        for name, seconds in self.modules[:top]:
            lines.append(f"  {name:<52} {seconds / n * 1e6:>10.1f} {seconds / self.whole_s:>7.1%}")
        rest = sum(seconds for _, seconds in self.modules[top:])
        lines.append(f"  {'the other modules':<52} {rest / n * 1e6:>10.1f} {rest / self.whole_s:>7.1%}")
        lines.append(f"  {'whole run under the profiler':<52} {self.whole_s / n * 1e6:>10.1f}")
        return "\n".join(lines)


def module_of(filename: str, function: str) -> str:
    """qianbai_rules.stage.module for the project's files, else the top package, or the
    built-in function (C code: orjson, pydantic-core, the engine, I/O)."""
    if filename.startswith(("~", "<")):
        return f"built-in {function}"[:52]
    parts = Path(filename).with_suffix("").parts
    if "qianbai_rules" in parts:
        return ".".join(parts[len(parts) - parts[::-1].index("qianbai_rules") - 1:])
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    return "Python's standard library"


def profile(source: Path, engine: str, as_of: dt.date) -> ModuleProfile:
    with tempfile.TemporaryDirectory() as folder:
        command = ["check", str(source), "--format", "jsonl", "--as-of", as_of.isoformat(),
                   "--engine", engine, "--quiet", "-o", str(Path(folder) / "out.jsonl"), "--force"]
        qianbai_main(command, io.StringIO(), io.StringIO())  # warm up: imports, lazy tables
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        status = qianbai_main(command, io.StringIO(), io.StringIO())
        profiler.disable()
        whole = time.perf_counter() - start
    if status not in (0, 1):
        raise SystemExit(f"check --format jsonl over {source} ended with status {status}")
    own: dict[str, float] = defaultdict(float)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    for (filename, _, function), (_, _, seconds, _, _) in stats.items():
        own[module_of(filename, function)] += seconds
    records = sum(1 for line in source.read_bytes().splitlines() if line.strip())
    return ModuleProfile(engine, records, sorted(own.items(), key=lambda item: -item[1]), whole)
