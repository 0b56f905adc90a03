"""spawn: spawn + await N trivial tasks.

Each task runs a coroutine that returns at once; all N are created with
asyncio.create_task and awaited with one asyncio.gather.  Reports tasks per
second (N / wall time from first create_task to gather's return) as ops/s,
and the process CPU time (time.process_time) over the same span in µs per
task as spawn_cpu.

usage: python3 spawn.py [N=1000000] [--uvloop]
"""
import asyncio
import sys
import time

from benchrun import run

DEFAULT_N = 1_000_000


async def nop():
    return None


async def spawn(n):
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    await asyncio.gather(*[asyncio.create_task(nop()) for _ in range(n)])
    return time.perf_counter() - t0, time.process_time() - cpu0


async def main(n):
    await spawn(min(n, 10_000))  # warm-up
    wall, cpu = await spawn(n)
    return n / wall, cpu * 1e6 / n



if __name__ == "__main__":
    rate, cpu = run(main, DEFAULT_N)
    print(f"RESULT spawn {rate:.1f} ops/s")
    print(f"RESULT spawn_cpu {cpu:.3f} µs/task")
