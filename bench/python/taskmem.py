"""taskmem: what a task keeps alive, in bytes per task, at three points of its life.

Creates N tasks whose coroutine awaits one shared future, gathers them all
(as spawn.py does), and reads the memory traced by tracemalloc (live bytes,
not RSS) at each point: "new" (created, gathered, not started), "waiting"
(suspended in the await) and "done" (finished, still referenced by the list
and by gather's result).  Each figure is the growth from before the tasks
were created, divided by N; tracemalloc's own bookkeeping is not counted.

With --histogram it also prints, for each point, the types whose
gc-tracked instances grew, in bytes per task (sys.getsizeof): the Python
side of the per-class breakdown in bench/README.md.

usage: python3 taskmem.py [N=200000] [--histogram] [--uvloop]
"""
import asyncio
import collections
import gc
import sys
import tracemalloc

from benchrun import run

DEFAULT_N = 200_000
HISTOGRAM = "--histogram" in sys.argv
if HISTOGRAM:
    sys.argv.remove("--histogram")


def sizes_by_type():
    if not HISTOGRAM:
        return {}
    gc.collect()
    by_type = collections.defaultdict(lambda: [0, 0])
    for o in gc.get_objects():
        s = by_type[type(o).__name__]
        s[0] += 1
        s[1] += sys.getsizeof(o)
    return by_type


def report(phase, n, base):
    now = sizes_by_type()
    if not HISTOGRAM:
        return
    grown = sorted(((now[k][1] - base.get(k, [0, 0])[1], now[k][0] - base.get(k, [0, 0])[0], k) for k in now),
                   reverse=True)
    print(f"  {phase}:", file=sys.stderr)
    for size, count, name in grown:
        if size >= n / 2:
            print(f"    {size / n:7.1f} B/task {count / n:6.2f} per task  {name}", file=sys.stderr)


async def waiter(gate):
    await gate


def traced():
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def main(n):
    loop = asyncio.get_running_loop()
    gate = loop.create_future()
    base = sizes_by_type()
    tracemalloc.start()
    before = traced()
    tasks = [asyncio.create_task(waiter(gate)) for _ in range(n)]
    gathered = asyncio.gather(*tasks)
    new = (traced() - before) / n
    report("new", n, base)
    await asyncio.sleep(0)
    waiting = (traced() - before) / n
    report("waiting", n, base)
    gate.set_result(None)
    await gathered
    done = (traced() - before) / n
    report("done", n, base)
    tracemalloc.stop()
    return new, waiting, done


if __name__ == "__main__":
    new, waiting, done = run(main, DEFAULT_N)
    print(f"RESULT taskmem_new {new:.1f} bytes/task")
    print(f"RESULT taskmem_waiting {waiting:.1f} bytes/task")
    print(f"RESULT taskmem_done {done:.1f} bytes/task")
