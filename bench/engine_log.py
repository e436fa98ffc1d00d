#!/usr/bin/env python3
"""A logging proxy on the engine socket, to see where a command's time goes.

    python3 bench/engine_log.py /tmp/berth-proxy.sock > calls.log &
    DOCKER_HOST=unix:///tmp/berth-proxy.sock berth up -d

Prints one line per API call: start (ms since the first call), time to the first byte of the
response (ms), connection number, method and path. Not used by the benchmark itself."""

import asyncio
import os
import sys
import time

ENGINE = "/var/run/docker.sock"
t0 = None
conn_ids = iter(range(1, 1 << 30))


def now_ms():
    global t0
    t = time.perf_counter()
    if t0 is None:
        t0 = t
    return (t - t0) * 1000


async def client_to_engine(reader, writer, pending, conn):
    buf = b""
    while True:
        data = await reader.read(65536)
        if not data:
            writer.close()
            return
        writer.write(data)
        await writer.drain()
        buf += data
        while True:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buf[:end].decode("latin-1").split("\r\n")
            length = 0
            chunked = False
            for h in head[1:]:
                k, _, v = h.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v.strip())
                if k.strip().lower() == "transfer-encoding" and "chunked" in v:
                    chunked = True
            body_end = end + 4 + length
            if chunked:
                z = buf.find(b"0\r\n\r\n", end + 4)
                if z < 0:
                    break
                body_end = z + 5
            if len(buf) < body_end:
                break
            pending.append([now_ms(), head[0].rsplit(" ", 1)[0], conn])
            buf = buf[body_end:]


async def engine_to_client(reader, writer, pending):
    while True:
        data = await reader.read(65536)
        if not data:
            writer.close()
            return
        if pending:
            start, line, conn = pending.pop(0)
            print(f"{start:9.1f} {now_ms() - start:8.1f} c{conn:<3} {line}", flush=True)
        writer.write(data)
        await writer.drain()


async def handle(client_r, client_w):
    conn = next(conn_ids)
    engine_r, engine_w = await asyncio.open_unix_connection(ENGINE)
    pending = []
    await asyncio.gather(client_to_engine(client_r, engine_w, pending, conn),
                         engine_to_client(engine_r, client_w, pending),
                         return_exceptions=True)


async def main(path):
    if os.path.exists(path):
        os.unlink(path)
    server = await asyncio.start_unix_server(handle, path)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
