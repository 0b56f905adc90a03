"""sleepmem: resident memory per task for M tasks each in asyncio.sleep(1).

Reads RSS from /proc/self/statm, creates M tasks whose coroutine does
`await asyncio.sleep(1)`, yields once so every task has started and is
suspended in the sleep, reads RSS again and reports (growth / M) in
bytes/task.  The tasks are then left to finish.  No warm-up.

usage: python3 sleepmem.py [M=100000] [--uvloop]
"""
import asyncio
import gc
import os
import sys

from benchrun import run

DEFAULT_N = 100_000


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def sleeper():
    await asyncio.sleep(1)


async def main(m):
    gc.collect()
    before = rss_bytes()
    tasks = [asyncio.create_task(sleeper()) for _ in range(m)]
    await asyncio.sleep(0)  # let every task run up to its sleep
    after = rss_bytes()
    if any(t.done() for t in tasks):
        print("warning: some tasks finished before memory was measured", file=sys.stderr)
    await asyncio.gather(*tasks)
    return (after - before) / m



if __name__ == "__main__":
    print(f"RESULT sleepmem {run(main, DEFAULT_N):.1f} bytes/task")
