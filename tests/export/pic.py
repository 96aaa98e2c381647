#!/usr/bin/env python3
"""Check mapviz export's pictures with readers of their own (no cairo, no
giflib): the SVG parsed as XML, the PNG decoded with zlib, the GIF decoded
by the LZW decoder below.

  pic.py svg-text F.svg            the SVG's text as a grid of cells, one
                                   line per row, trailing blanks cut (as
                                   mapviz --dump prints the screen)
  pic.py svg-cells F.svg           per cell: column row bg fg char
  pic.py png-check F.png F.svg     every cell of the PNG against the SVG's
                                   colors: a blank cell is its background
                                   all over, a glyph shows its color
  pic.py png-pixel F.png X Y       the pixel's color as #rrggbb
  pic.py png-cell F.png COL ROW [#rrggbb]  a cell's centre pixel (and how
                                   near its nearest pixel is to the color)
  pic.py find DUMP TEXT            the cell (COL ROW) where TEXT first is
  pic.py gif-info F.gif            size, loop (the NETSCAPE2.0 block's repeat
                                   count, None without one), frames, delays
  pic.py gif-frame F.gif N OUT.png frame N, composed, as a PNG (to look at)
  pic.py gif-check F.gif F.svg     the last frame, composed, against the
                                   SVG's colors (exact: no antialiasing)
Cells are CW x CH pixels from a margin of M (export.h).
"""
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

CW, CH, M = 9, 18, 8
NS = "{http://www.w3.org/2000/svg}"


def rgb(s):
    return int(s.lstrip("#"), 16)


def hexc(c):
    return "#%06x" % c


def svg_cells(path):
    """(w, h, page, cells): cells[(x, y)] = [bg, fg, ch]."""
    root = ET.parse(path).getroot()
    pw, ph = int(root.get("width")), int(root.get("height"))
    w, h = (pw - 2 * M) // CW, (ph - 2 * M) // CH
    page = None
    cells = {(x, y): [None, None, " "] for x in range(w) for y in range(h)}
    for el in root:
        if el.tag == NS + "rect":
            if el.get("width") == "100%":
                page = rgb(el.get("fill"))
                continue
            x0 = (int(el.get("x")) - M) // CW
            y = (int(el.get("y")) - M) // CH
            for x in range(x0, x0 + int(el.get("width")) // CW):
                cells[(x, y)][0] = rgb(el.get("fill"))
        elif el.tag == NS + "text":
            y = (int(el.get("y")) - M) // CH
            xs = [int(v) for v in el.get("x").split()]
            text = el.text or ""
            if el.get("textLength") is not None:
                if int(el.get("textLength")) != len(text) * CW:
                    raise SystemExit("textLength %s for %d characters" % (el.get("textLength"), len(text)))
                xs = [xs[0] + i * CW for i in range(len(text))]
            if len(xs) != len(text):
                raise SystemExit("%d x positions for %d characters" % (len(xs), len(text)))
            for cx, ch in zip(xs, text):
                cell = cells[((cx - M) // CW, y)]
                cell[1], cell[2] = rgb(el.get("fill")), ch
    for c in cells.values():
        if c[0] is None:
            c[0] = page
    return w, h, page, cells


def png_decode(path):
    """(width, height, pixels[y][x] as 0xRRGGBB) of an 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(path + ": not a PNG")
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
            raise SystemExit(path + ": bad CRC in " + kind.decode())
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise SystemExit("%s: unexpected PNG format (depth %d, color type %d)" % (path, depth, ctype))
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xff
            elif f == 2:
                line[i] = (line[i] + b) & 0xff
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 0xff
        rows.append([line[x * bpp] << 16 | line[x * bpp + 1] << 8 | line[x * bpp + 2] for x in range(w)])
        prev = line
    return w, h, rows


def gif_decode(path):
    """(w, h, loop or None, frames): frames = [(delay_cs, image rows)], composed."""
    d = open(path, "rb").read()
    if d[:6] not in (b"GIF87a", b"GIF89a"):
        raise SystemExit(path + ": not a GIF")
    w, h, flags, bgi, _ = struct.unpack("<HHBBB", d[6:13])
    pos = 13
    gct = []
    if flags & 0x80:
        n = 2 << (flags & 7)
        gct = [d[pos + 3 * i] << 16 | d[pos + 3 * i + 1] << 8 | d[pos + 3 * i + 2] for i in range(n)]
        pos += 3 * n
    canvas = [[gct[bgi] if gct else 0] * w for _ in range(h)]
    frames, loop, delay, trans = [], None, 0, None

    def blocks():
        nonlocal pos
        out = b""
        while d[pos]:
            out += d[pos + 1:pos + 1 + d[pos]]
            pos += 1 + d[pos]
        pos += 1
        return out

    while True:
        b = d[pos]
        pos += 1
        if b == 0x3B:
            break
        if b == 0x21:
            label = d[pos]
            pos += 1
            if label == 0xF9:
                body = blocks()
                delay = body[1] | body[2] << 8
                trans = body[3] if body[0] & 1 else None
            elif label == 0xFF:
                app = d[pos + 1:pos + 1 + d[pos]]
                pos += 1 + d[pos]
                body = blocks()
                if app == b"NETSCAPE2.0" and body[:1] == b"\x01":
                    loop = body[1] | body[2] << 8
            else:
                blocks()
        elif b == 0x2C:
            x0, y0, fw, fh, fl = struct.unpack("<HHHHB", d[pos:pos + 9])
            pos += 9
            ct = gct
            if fl & 0x80:
                n = 2 << (fl & 7)
                ct = [d[pos + 3 * i] << 16 | d[pos + 3 * i + 1] << 8 | d[pos + 3 * i + 2] for i in range(n)]
                pos += 3 * n
            if fl & 0x40:
                raise SystemExit("interlaced frames are not expected")
            minsize = d[pos]
            pos += 1
            idx = lzw(blocks(), minsize, fw * fh)
            if x0 + fw > w or y0 + fh > h:
                raise SystemExit("frame %d outside the screen" % len(frames))
            for y in range(fh):
                row = canvas[y0 + y]
                for x in range(fw):
                    i = idx[y * fw + x]
                    if i != trans:
                        row[x0 + x] = ct[i]
            frames.append((delay, [r[:] for r in canvas], (x0, y0, fw, fh)))
            delay, trans = 0, None
        else:
            raise SystemExit("unexpected block 0x%02x at %d" % (b, pos - 1))
    return w, h, loop, frames


def lzw(data, minsize, npix):
    clear, end = 1 << minsize, (1 << minsize) + 1
    size = minsize + 1
    table = [bytes([i]) for i in range(clear)] + [b"", b""]
    out = bytearray()
    prev = None
    bit = acc = nacc = 0
    for byte in data:
        acc |= byte << nacc
        nacc += 8
        while nacc >= size:
            code = acc & ((1 << size) - 1)
            acc >>= size
            nacc -= size
            if code == clear:
                size = minsize + 1
                table = table[:clear + 2]
                prev = None
                continue
            if code == end:
                return bytes(out[:npix]) if len(out) >= npix else fail(len(out), npix)
            if prev is None:
                entry = table[code]
            elif code < len(table):
                entry = table[code]
                table.append(prev + entry[:1])
            else:
                entry = prev + prev[:1]
                table.append(entry)
            out += entry
            prev = entry
            if len(table) == 1 << size and size < 12:
                size += 1
    if len(out) < npix:
        fail(len(out), npix)
    return bytes(out[:npix])


def fail(got, want):
    raise SystemExit("LZW data ends after %d of %d pixels" % (got, want))


def dist(a, b):
    return max(abs((a >> s & 0xff) - (b >> s & 0xff)) for s in (16, 8, 0))


def check_cells(pixels, cells, exact):
    """Problems, as lines: each cell against its colors."""
    bad = []
    for (x, y), (bg, fg, ch) in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        px = [pixels[M + y * CH + j][M + x * CW + i] for j in range(CH) for i in range(CW)]
        if ch == " ":
            if any(p != bg for p in px[:(CH - 3) * CW]):  # an underline may sit at the bottom
                bad.append("cell %d,%d (blank): not all %s: %s" % (x, y, hexc(bg), hexc([p for p in px if p != bg][0])))
            continue
        near = min(dist(p, fg) for p in px)
        span = max(dist(fg, bg), 1)
        if (exact and near != 0) or near > span * 0.5:
            bad.append("cell %d,%d %r: no pixel near %s (closest is %d off)" % (x, y, ch, hexc(fg), near))
        if not exact and bg not in px and ch not in "█▀▄▌▐▓▒":
            bad.append("cell %d,%d %r: no pixel of its background %s" % (x, y, ch, hexc(bg)))
        if exact and any(p not in (fg, bg) for p in px):
            bad.append("cell %d,%d %r: a pixel neither %s nor %s" % (x, y, ch, hexc(fg), hexc(bg)))
    return bad


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "svg-text":
        w, h, _, cells = svg_cells(args[0])
        for y in range(h):
            print("".join(cells[(x, y)][2] for x in range(w)).rstrip(" "))
    elif cmd == "svg-cells":
        w, h, _, cells = svg_cells(args[0])
        for (x, y), (bg, fg, ch) in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            print(x, y, hexc(bg), hexc(fg) if fg is not None else "-", ch)
    elif cmd == "png-pixel":
        _, _, rows = png_decode(args[0])
        print(hexc(rows[int(args[2])][int(args[1])]))
    elif cmd == "png-cell":
        # the pixel at the centre of cell (col, row), and the pixel of the
        # cell nearest to a color (its distance): png-cell F.png COL ROW [#rrggbb]
        _, _, rows = png_decode(args[0])
        x, y = int(args[1]), int(args[2])
        cx, cy = M + x * CW + CW // 2, M + y * CH + CH // 2
        line = "centre %s" % hexc(rows[cy][cx])
        if len(args) > 3:
            want = rgb(args[3])
            px = [rows[M + y * CH + j][M + x * CW + i] for j in range(CH) for i in range(CW)]
            line += " nearest %d" % min(dist(p, want) for p in px)
        print(line)
    elif cmd == "find":
        # the cell where a text first appears in a dump: find DUMP TEXT -> COL ROW
        for y, line in enumerate(open(args[0], encoding="utf-8").read().split("\n")):
            if args[1] in line:
                print(line.index(args[1]), y)
                return
        raise SystemExit("%r is not in %s" % (args[1], args[0]))
    elif cmd == "png-check":
        pw, ph, rows = png_decode(args[0])
        w, h, _, cells = svg_cells(args[1])
        if (pw, ph) != (2 * M + w * CW, 2 * M + h * CH):
            raise SystemExit("PNG is %dx%d, SVG %dx%d cells" % (pw, ph, w, h))
        bad = check_cells(rows, cells, False)
        print("\n".join(bad[:10]) if bad else "ok %d cells" % len(cells))
        sys.exit(1 if bad else 0)
    elif cmd == "gif-info":
        w, h, loop, frames = gif_decode(args[0])
        print("size %dx%d loop %s frames %d" % (w, h, loop, len(frames)))
        print("delays " + " ".join(str(f[0]) for f in frames))
        print("rects " + " ".join("%d,%d,%d,%d" % f[2] for f in frames))
    elif cmd == "gif-frame":
        # frame N (composed) as a PNG, to look at: gif-frame F.gif N OUT.png
        w, h, _, frames = gif_decode(args[0])
        rows = frames[int(args[1])][1]
        raw = b"".join(b"\0" + b"".join(struct.pack(">I", p)[1:] for p in r) for r in rows)

        def chunk(kind, body):
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

        with open(args[2], "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                    chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    elif cmd == "gif-check":
        w, h, loop, frames = gif_decode(args[0])
        cw, chh, _, cells = svg_cells(args[1])
        bad = check_cells(frames[-1][1], cells, True)
        print("\n".join(bad[:10]) if bad else "ok %d cells" % len(cells))
        sys.exit(1 if bad else 0)
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
