"""The benchmarks' view of processes, from /proc: a process tree, its memory and its CPU time."""

import os
from pathlib import Path


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in Path(f"/proc/{p}/task").glob("*/children"):
                todo += [int(k) for k in task.read_text().split()]
        except OSError:  # exited meanwhile
            continue
        found.append(p)
    return found


def trees(pids: list[int]) -> set[int]:
    return {p for root in pids for p in tree(root)}


def status_mib(pids: list[int], field: str) -> float:
    """The sum of one /proc status field (in kB) over some processes and all their descendants, MiB."""
    total = 0
    for p in trees(pids):
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith(field + ":")), 0)
    return total / 1024


def rss_mib(pids: list[int]) -> float:
    """Resident memory of some processes and all their descendants (VmRSS), MiB."""
    return status_mib(pids, "VmRSS")


def reset_peaks(pids: list[int]) -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) of these processes; False where not allowed."""
    try:
        for p in trees(pids):
            Path(f"/proc/{p}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mib(pids: list[int]) -> float:
    """The sum of the processes' peak RSS (VmHWM) since the last reset, MiB: exact for one process, an
    upper bound for several (their peaks need not coincide)."""
    return status_mib(pids, "VmHWM")


def cpu_s(pid: int) -> float:
    """User + system CPU time a process has used so far, seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
