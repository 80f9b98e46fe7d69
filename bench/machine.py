"""What a benchmark ran on: CPU, cores, memory, load, and the versions that move the numbers."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

PACKAGES = ("chromadb", "onnxruntime", "xllamacpp", "bm25s", "scikit-learn", "numpy", "langchain-chroma")


def machine_info() -> dict:
    """A JSON-ready description of this machine and the key package versions."""
    return {
        "cpu": _cpu_model(),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": _memory_gb(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def describe(info: dict) -> str:
    """One line for the top of a report."""
    packages = ", ".join(f"{k} {v}" for k, v in info.get("packages", {}).items() if v)
    load = info.get("loadavg_at_start") or ["?"]
    return (f"{info.get('cpu', 'unknown CPU')}, {info.get('cores')} cores, {info.get('memory_gb')} GB RAM, "
            f"load average at start {load[0]}, Python {info.get('python')} ({packages})")


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
