"""spawn: spawn + await N trivial tasks.

Each task runs a coroutine that returns at once; all N are created with
asyncio.create_task and awaited with one asyncio.gather.  Reports tasks per
second (N / wall time from first create_task to gather's return) as ops/s.

usage: python3 spawn.py [N=1000000] [--uvloop]
"""
import asyncio
import sys
import time

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
    print(f"RESULT spawn {run(main, DEFAULT_N):.1f} ops/s")
