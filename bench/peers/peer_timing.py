"""Timing helper shared by the side-by-side peer scripts in this folder."""
import time


def best_of(runs, action):
    """The best wall time of `runs` calls of action(), in seconds, and the last call's result."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result
