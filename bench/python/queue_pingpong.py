"""queue_pingpong: round trips between two tasks via two asyncio.Queue(maxsize=1).

Each side gets from one queue and puts into the other.  One round trip =
ping puts into pong's queue, pong gets it and puts into ping's queue, ping
gets it.  Reports round trips per second as ops/s.

usage: python3 queue_pingpong.py [N=200000] [--uvloop]
"""
import asyncio
import sys
import time

from benchrun import run

DEFAULT_N = 200_000


async def ping(n, to_pong, from_pong):
    for i in range(n):
        await to_pong.put(i)
        await from_pong.get()


async def pong(n, from_ping, to_ping):
    for _ in range(n):
        await to_ping.put(await from_ping.get())


async def pingpong(n):
    a, b = asyncio.Queue(maxsize=1), asyncio.Queue(maxsize=1)
    t0 = time.perf_counter()
    await asyncio.gather(asyncio.create_task(ping(n, a, b)), asyncio.create_task(pong(n, a, b)))
    return time.perf_counter() - t0


async def main(n):
    await pingpong(min(n, 10_000))  # warm-up
    return n / await pingpong(n)



if __name__ == "__main__":
    print(f"RESULT queue_pingpong {run(main, DEFAULT_N):.1f} ops/s")
