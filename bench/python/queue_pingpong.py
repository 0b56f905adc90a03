"""queue_pingpong: round trips between two tasks via two asyncio.Queue(maxsize=1).

Each side gets from one queue and puts into the other.  One round trip =
ping puts into pong's queue, pong gets it and puts into ping's queue, ping
gets it.  Reports round trips per second as ops/s.

usage: python3 queue_pingpong.py [N=200000] [--uvloop]
"""
import asyncio
import sys
import time

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


def run(main, default_n):
    args = sys.argv[1:]
    use_uvloop = "--uvloop" in args
    args = [a for a in args if a != "--uvloop"]
    n = int(args[0].replace("_", "")) if args else default_n
    if not use_uvloop:
        return asyncio.run(main(n))
    try:
        import uvloop
    except ImportError as e:
        print(f"error: --uvloop given but uvloop is not importable ({e})", file=sys.stderr)
        sys.exit(3)
    if sys.version_info >= (3, 12):
        return asyncio.run(main(n), loop_factory=uvloop.new_event_loop)
    uvloop.install()
    return asyncio.run(main(n))


if __name__ == "__main__":
    print(f"RESULT queue_pingpong {run(main, DEFAULT_N):.1f} ops/s")
