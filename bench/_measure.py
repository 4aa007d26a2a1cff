"""Shared bench helpers: wall time per step and peak memory of this process tree (the Python
driver plus the Spark JVM it started), sampled in a background thread."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import psutil


class PeakMemory:
    """Peak resident memory of this process and all its children, sampled every 0.2 s."""

    def __init__(self, interval: float = 0.2):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            time.sleep(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def timed(label: str, results: list):
    start = time.perf_counter()
    yield
    results.append((label, time.perf_counter() - start))
