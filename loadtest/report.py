"""What every benchmark writes down: the machine it ran on, and its own section of docs/benchmarks.md."""

import os
import platform
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"


def machine(packages: Iterable[str]) -> dict[str, str]:
    """CPU, OS, Python, the versions of ``packages`` and the load average, as "- key: value" facts.
    Take it before the run: the load average is then the other work's, not the benchmark's."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "CPU": f"{model}, nproc {len(os.sched_getaffinity(0))}; RAM {memory:.0f} GiB",
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Libraries": ", ".join(f"{package} {metadata.version(package)}" for package in packages),
        # A shared machine skews every column alike; the load says how busy it was when the run began.
        "Load average at start (1/5/15 min)": " / ".join(f"{load:.2f}" for load in os.getloadavg()),
    }


def finish(text: str, heading: str, leftovers: list[str], write_docs: bool, say) -> int:
    """A benchmark's ending: prints its section, fails when it left processes behind, else writes the section
    into docs/benchmarks.md when asked. Returns the exit status."""
    print()
    print(text)
    if leftovers:
        print("Processes left behind (stop them by pid):\n  " + "\n  ".join(leftovers))
        return 1
    say("nothing left behind (ps)")
    if write_docs:
        write_section(heading, text)
        say(f"written: {REPORT.relative_to(ROOT)}")
    return 0


def write_section(heading: str, text: str) -> None:
    """Replaces the section under ``heading`` ("## ...") of docs/benchmarks.md with ``text`` (creating the
    file, appending the section if new), keeping every other section."""
    existing = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n\nMeasured numbers behind decisions.\n"
    start = existing.find(heading)
    if start == -1:
        updated = existing.rstrip("\n") + "\n\n" + text
    else:
        end = existing.find("\n## ", start + len(heading))
        updated = existing[:start] + text + ("" if end == -1 else existing[end + 1 :])
    REPORT.write_text(updated.rstrip("\n") + "\n")
