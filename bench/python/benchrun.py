"""Shared entry point of the benchmark scripts: parses [N] [--uvloop] and runs main(n)."""
import asyncio
import sys


def run(main, default_n):
    """Runs coroutine function main(n) with asyncio (or uvloop with --uvloop) and returns its value."""
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
