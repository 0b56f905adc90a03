"""callsoon: a chain of N call_soon callbacks.

A callback schedules the next one with loop.call_soon until N have run, so
the ready queue never holds more than one handle.  Reports callbacks per
second as ops/s.

usage: python3 callsoon.py [N=1000000] [--uvloop]
"""
import asyncio
import sys
import time

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
    print(f"RESULT callsoon {run(main, DEFAULT_N):.1f} ops/s")
