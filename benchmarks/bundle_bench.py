"""The app bundle's figures: size on disk and as a tarball, `--version` time, and start-up to the
first window (the unlock window on a demo caseload), beside the same from the source install.

Run: python benchmarks/bundle_bench.py [--bundle dist/FamilyWorker] [--build] [--runs 5]
(--build times `bash packaging/build.sh` first.) Each process runs offscreen with a clean
environment, as the bundle smoke test does. Readable lines first; the last line is one JSON
object of figures.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "benchmark passphrase words"


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def clean_environment(home: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "FAMILYWORKER_ORGANISATION_FILE": str(home / "no-organisation.json"), **extra}


def timed(command: list[str], env: dict[str, str], stdin: str = "") -> float:
    started = time.perf_counter()
    done = subprocess.run(command, input=stdin, env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[1:])} failed: {done.stderr[-2000:]}")
    return elapsed


def median_ms(command: list[str], env: dict[str, str], runs: int) -> float:
    timed(command, env)  # one unmeasured run: the first reads everything from disk
    return statistics.median(timed(command, env) for _ in range(runs)) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "FamilyWorker")
    parser.add_argument("--build", action="store_true", help="time packaging/build.sh first")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    build_s = None
    if args.build:
        started = time.perf_counter()
        subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT, check=True,
                       capture_output=True)
        build_s = time.perf_counter() - started
    bundled = args.bundle / "familyworker"
    source = Path(sys.executable).parent / "familyworker"  # the venv's console script
    if not bundled.is_file():
        raise SystemExit(f"No bundle at {args.bundle}: run bash packaging/build.sh first.")
    tarballs = sorted((args.bundle.parent).glob("FamilyWorker-*.tar.gz"))

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = clean_environment(home)
        caseload = home / "caseload"
        options = ["--data-dir", str(caseload), "--passphrase-stdin"]
        timed([str(bundled), "init", *options], env, PASSPHRASE + "\n")
        timed([str(bundled), "import-demo", *options], env, PASSPHRASE + "\n")
        ready_env = clean_environment(home, FAMILYWORKER_EXIT_WHEN_READY="1")
        figures: dict[str, float | int | None] = {
            "bundle_mb": round(folder_bytes(args.bundle) / 2**20, 1),
            "tarball_mb": round(tarballs[-1].stat().st_size / 2**20, 1) if tarballs else None,
            "build_s": round(build_s, 1) if build_s is not None else None,
            "version_ms": round(median_ms([str(bundled), "--version"], env, args.runs), 1),
            "startup_to_window_ms": round(median_ms(
                [str(bundled), "--data-dir", str(caseload)], ready_env, args.runs), 1),
            "unlock_and_list_ms": round(statistics.median(
                timed([str(bundled), "list-families", *options], env, PASSPHRASE + "\n")
                for _ in range(args.runs)) * 1000, 1),
        }
        if source.is_file():  # the same from the source install, for comparison
            source_env = {**os.environ, **ready_env}
            figures["source_version_ms"] = round(
                median_ms([str(source), "--version"], source_env, args.runs), 1)
            figures["source_startup_to_window_ms"] = round(median_ms(
                [str(source), "--data-dir", str(caseload)], source_env, args.runs), 1)

    print(f"Bundle {args.bundle}: {figures['bundle_mb']} MB on disk, tarball "
          f"{figures['tarball_mb']} MB" + (f", built in {build_s:.0f} s" if build_s else ""))
    print(f"  --version                       {figures['version_ms']:7.0f} ms "
          f"(source install {figures.get('source_version_ms', '-')} ms)")
    print(f"  start-up to the unlock window   {figures['startup_to_window_ms']:7.0f} ms "
          f"(source install {figures.get('source_startup_to_window_ms', '-')} ms)")
    print(f"  unlock (KDF) and list-families  {figures['unlock_and_list_ms']:7.0f} ms")
    print(f"  median of {args.runs} runs each after one unmeasured run; load average "
          f"{os.getloadavg()[0]:.1f}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
