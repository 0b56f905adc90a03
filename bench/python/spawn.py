"""spawn: spawn + await N trivial tasks.

Each task runs a coroutine that returns at once; all N are created with
asyncio.create_task and awaited with one asyncio.gather.  Reports tasks per
second (N / wall time from first create_task to gather's return) as ops/s.

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
    t0 = time.perf_counter()
    await asyncio.gather(*[asyncio.create_task(nop()) for _ in range(n)])
    return time.perf_counter() - t0


async def main(n):
    await spawn(min(n, 10_000))  # warm-up
    return n / await spawn(n)



if __name__ == "__main__":
    print(f"RESULT spawn {run(main, DEFAULT_N):.1f} ops/s")
