"""Small valid PNGs for the integration tests (sync_it.py, server_it.py)."""
import random
import struct
import zlib


def png(w, h, seed=0, declared=None):
    """An RGB PNG whose pixels depend on seed (distinct bytes per seed).
    declared=(W, H) writes another size into the header than the pixels
    have: a hostile file."""
    rnd = random.Random(seed)
    r, g, b = rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)
    rows = bytearray()
    for y in range(h):
        rows.append(0)
        for x in range(w):
            rows += bytes(((r + x) & 255, (g + y) & 255, (b + x * y) & 255))

    def chunk(t, d):
        c = struct.pack(">I", len(d)) + t + d
        return c + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    dw, dh = declared or (w, h)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", dw, dh, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b""))
