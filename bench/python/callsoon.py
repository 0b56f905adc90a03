"""callsoon: a chain of N call_soon callbacks.

A callback schedules the next one with loop.call_soon until N have run, so
the ready queue never holds more than one handle.  Reports callbacks per
second as ops/s.

usage: python3 callsoon.py [N=1000000] [--uvloop]
"""
import asyncio
import sys
import time

from benchrun import run

DEFAULT_N = 1_000_000


async def chain(n):
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def step(left):
        if left:
            loop.call_soon(step, left - 1)
        else:
            done.set_result(None)

    t0 = time.perf_counter()
    loop.call_soon(step, n - 1)  # n callbacks in all
    await done
    return time.perf_counter() - t0


async def main(n):
    await chain(min(n, 10_000))  # warm-up
    return n / await chain(n)



if __name__ == "__main__":
    print(f"RESULT callsoon {run(main, DEFAULT_N):.1f} ops/s")
