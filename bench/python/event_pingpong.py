"""event_pingpong: round trips between two tasks via two asyncio.Event objects.

Each side waits on its own event, clears it and sets the other side's.
One round trip = ping sets pong's event, pong sets ping's.  Reports round
trips per second as ops/s.

usage: python3 event_pingpong.py [N=200000] [--uvloop]
"""
import asyncio
import sys
import time

from benchrun import run

DEFAULT_N = 200_000


async def ping(n, mine, other):
    for _ in range(n):
        other.set()
        await mine.wait()
        mine.clear()


async def pong(n, mine, other):
    for _ in range(n):
        await mine.wait()
        mine.clear()
        other.set()


async def pingpong(n):
    a, b = asyncio.Event(), asyncio.Event()
    t0 = time.perf_counter()
    await asyncio.gather(asyncio.create_task(ping(n, a, b)), asyncio.create_task(pong(n, b, a)))
    return time.perf_counter() - t0


async def main(n):
    await pingpong(min(n, 10_000))  # warm-up
    return n / await pingpong(n)



if __name__ == "__main__":
    print(f"RESULT event_pingpong {run(main, DEFAULT_N):.1f} ops/s")
