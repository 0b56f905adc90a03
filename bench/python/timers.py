"""timers: N call_later timers with random delays, run until all have fired.

Delays come from random.Random(42).random(), i.e. uniform in [0, 1) seconds,
drawn before timing starts.  Reports N / total wall time (scheduling all N,
then waiting until the last one fires, so the ~1 s wait is included) as ops/s.
No warm-up.

usage: python3 timers.py [N=1000000] [--uvloop]
"""
import asyncio
import random
import sys
import time

from benchrun import run

DEFAULT_N = 1_000_000


async def main(n):
    loop = asyncio.get_running_loop()
    rng = random.Random(42)
    delays = [rng.random() for _ in range(n)]
    done = loop.create_future()
    left = n

    def fired():
        nonlocal left
        left -= 1
        if not left:
            done.set_result(None)

    t0 = time.perf_counter()
    for d in delays:
        loop.call_later(d, fired)
    await done
    return n / (time.perf_counter() - t0)



if __name__ == "__main__":
    print(f"RESULT timers {run(main, DEFAULT_N):.1f} ops/s")
