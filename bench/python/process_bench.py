"""The CPython asyncio peer of bench/process/ProcessBench.java (bin/bench-process).

Prints RESULT <name> <value> <unit> lines; each figure is the median of ROUNDS rounds after one
warm-up round.

usage: python3 process_bench.py spawn|pipe|communicate [ROUNDS=3]
"""
import asyncio
import statistics
import sys
import time
from asyncio.subprocess import DEVNULL, PIPE

CHILDREN = 1000
PIPE_BYTES = 1 << 30
COMMUNICATE_BYTES = 100 << 20


async def spawn():
    t0 = time.perf_counter()
    for _ in range(CHILDREN):
        p = await asyncio.create_subprocess_exec('true', stdin=DEVNULL, stdout=DEVNULL, stderr=DEVNULL)
        if await p.wait() != 0:
            raise RuntimeError('true failed')
    return (CHILDREN / (time.perf_counter() - t0),)


async def pipe():
    cpu0, t0 = time.process_time(), time.perf_counter()
    p = await asyncio.create_subprocess_exec('head', '-c', str(PIPE_BYTES), '/dev/zero', stdin=DEVNULL, stdout=PIPE)
    n = 0
    while True:
        data = await p.stdout.read(65536)
        if not data:
            break
        n += len(data)
    await p.wait()
    if n != PIPE_BYTES:
        raise RuntimeError(f'read {n} bytes')
    secs = time.perf_counter() - t0
    return (n / 1e6 / secs, (time.process_time() - cpu0) / (n / 1e9))


async def communicate():
    data = bytes(COMMUNICATE_BYTES)
    t0 = time.perf_counter()
    p = await asyncio.create_subprocess_exec('cat', stdin=PIPE, stdout=PIPE)
    out, _ = await p.communicate(data)
    if len(out) != len(data):
        raise RuntimeError(f'cat gave back {len(out)}')
    return (len(data) / 1e6 / (time.perf_counter() - t0),)


def main():
    what = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    fn = {'spawn': spawn, 'pipe': pipe, 'communicate': communicate}[what]
    results = [asyncio.run(fn()) for _ in range(rounds + 1)][1:]
    median = [statistics.median(r[k] for r in results) for k in range(len(results[0]))]
    if what == 'spawn':
        print(f'RESULT spawn {median[0]:.0f} children/s')
    elif what == 'communicate':
        print(f'RESULT communicate {median[0]:.0f} MB/s')
    else:
        print(f'RESULT pipe {median[0]:.0f} MB/s')
        print(f'RESULT pipe_cpu {median[1]:.3f} cpu-s/GB')


if __name__ == '__main__':
    main()
