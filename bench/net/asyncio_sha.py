"""The asyncio peer of GroupEchoServer's "sha" mode for bin/bench-group: streams, each 1 KiB request
costs ROUNDS chained SHA-256 digests of it and the previous digest, then is echoed.

python3 asyncio_sha.py PORT [ROUNDS=50] [--uvloop]
"""
import asyncio
import hashlib
import sys


def work(request, rounds):
    d = bytes(32)
    for _ in range(rounds):
        d = hashlib.sha256(request + d).digest()
    return d


async def handle(reader, writer, rounds):
    try:
        while True:
            try:
                request = await reader.readexactly(1024)
            except asyncio.IncompleteReadError:
                break
            work(request, rounds)
            writer.write(request)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


async def main(port, rounds):
    server = await asyncio.start_server(lambda r, w: handle(r, w, rounds), "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--uvloop" in sys.argv:
        import uvloop
        uvloop.install()
    asyncio.run(main(int(args[0]), int(args[1]) if len(args) > 1 else 50))
