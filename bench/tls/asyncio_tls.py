"""The asyncio server of the TLS benchmark: an echo over TLS with asyncio's defaults but for the
listen backlog (100 by default, as asyncio's).

python3 asyncio_tls.py PORT CERT.pem KEY.pem [protocol|streams] [BACKLOG]
"""
import asyncio
import ssl
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def handle(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except OSError:
        pass  # a client that resets instead of closing
    writer.close()


async def main(port, cert, key, mode, backlog):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    loop = asyncio.get_running_loop()
    if mode == "streams":
        server = await asyncio.start_server(handle, "127.0.0.1", port, ssl=context, backlog=backlog)
    else:
        server = await loop.create_server(Echo, "127.0.0.1", port, ssl=context, backlog=backlog)
    print("ready", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "protocol",
                     int(sys.argv[5]) if len(sys.argv) > 5 else 100))
