"""pingpong: round trips between two tasks handing a fresh future back and forth.

Each side awaits a future; the value it receives is a new future (made by the
other side with loop.create_future()) on which it must answer, and it answers
with a new future of its own.  One round trip = ping -> pong -> ping.
Reports round trips per second as ops/s.

usage: python3 pingpong.py [N=200000] [--uvloop]
"""
import asyncio
import sys
import time

from benchrun import run

DEFAULT_N = 200_000


async def ping(n, to_pong):
    loop = asyncio.get_running_loop()
    for _ in range(n):
        back = loop.create_future()
        to_pong.set_result(back)  # hand pong a fresh future to answer on
        to_pong = await back      # pong answers with the next future to use
    to_pong.set_result(None)      # tell pong to stop


async def pong(inbox):
    loop = asyncio.get_running_loop()
    while (back := await inbox) is not None:
        inbox = loop.create_future()
        back.set_result(inbox)


async def pingpong(n):
    start = asyncio.get_running_loop().create_future()
    t0 = time.perf_counter()
    tasks = [asyncio.create_task(ping(n, start)), asyncio.create_task(pong(start))]
    # Each future's result is the next future, so the futures form a linked
    # list: holding its head would keep all 2N alive, and freeing them would
    # then recurse 2N deep in C and crash (segfault at N = 200000).
    del start
    await asyncio.gather(*tasks)
    return time.perf_counter() - t0


async def main(n):
    await pingpong(min(n, 10_000))  # warm-up
    return n / await pingpong(n)



if __name__ == "__main__":
    print(f"RESULT pingpong {run(main, DEFAULT_N):.1f} ops/s")
