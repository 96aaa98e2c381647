#!/usr/bin/env python3
"""tests/record/cast.py: check and replay an asciicast v2 file.

  cast.py check FILE    the file is asciicast v2: prints "ok N events M markers",
                        or what is wrong, and exits 1
  cast.py markers FILE  the markers' labels, one per line
  cast.py screen FILE   feed every "o" event to a terminal emulator (pyte) of
                        the header's size (following "r" events) and print the
                        final screen, trailing blanks cut
  cast.py lines FILE    check only the complete lines (a file cut mid-line by
                        SIGKILL): prints "ok N complete lines"

pyte 0.8 lacks three sequences curses uses with TERM=xterm-256color: SU and
SD (CSI n S / CSI n T, scroll the region) and REP (CSI n b, repeat the last
character); they are added here as xterm does them.
"""
import json
import sys

def load(path, partial=False):
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")  # must be UTF-8: raises otherwise
    lines = text.split("\n")
    if partial:
        lines = lines[:-1]  # the last, unfinished line (or "" after the last \n)
    else:
        if lines[-1] != "":
            raise ValueError("the file does not end with a newline")
        lines = lines[:-1]
    header = json.loads(lines[0])
    events = [json.loads(l) for l in lines[1:]]
    return header, events

def check(header, events):
    errs = []
    if header.get("version") != 2:
        errs.append("version is not 2")
    for k in ("width", "height"):
        if not isinstance(header.get(k), int) or header[k] <= 0:
            errs.append("bad %s" % k)
    env = header.get("env", {})
    if not isinstance(env, dict) or "TERM" not in env or "SHELL" not in env:
        errs.append("env lacks TERM or SHELL")
    last = 0.0
    for i, e in enumerate(events):
        if not (isinstance(e, list) and len(e) == 3 and isinstance(e[0], (int, float))
                and e[1] in ("o", "i", "m", "r") and isinstance(e[2], str)):
            errs.append("event %d is not [time, code, data]: %r" % (i + 1, e)[:200])
            continue
        if e[0] < last:
            errs.append("event %d goes back in time (%f < %f)" % (i + 1, e[0], last))
        last = e[0]
    return errs

def screen(header, events):
    import pyte

    class Screen(pyte.Screen):
        last = " "

        def draw(self, data):
            if data:
                self.last = data[-1]
            super().draw(data)

        def scroll_up(self, n=1, *a, **kw):
            top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
            for _ in range(max(n, 1)):
                for y in range(top, bottom):
                    self.buffer[y] = self.buffer[y + 1]
                self.buffer.pop(bottom, None)

        def scroll_down(self, n=1, *a, **kw):
            top, bottom = self.margins or pyte.screens.Margins(0, self.lines - 1)
            for _ in range(max(n, 1)):
                for y in range(bottom, top, -1):
                    self.buffer[y] = self.buffer[y - 1]
                self.buffer.pop(top, None)

        def repeat_last(self, n=1, *a, **kw):
            self.draw(self.last * max(n, 1))

    class Stream(pyte.Stream):
        csi = dict(pyte.Stream.csi, S="scroll_up", T="scroll_down", b="repeat_last")

    scr = Screen(header["width"], header["height"])
    st = Stream(scr)
    for t, code, data in events:
        if code == "o":
            st.feed(data)
        elif code == "r":
            w, h = data.split("x")
            scr.resize(int(h), int(w))
    return "\n".join(l.rstrip() for l in scr.display).rstrip("\n")

def main():
    cmd, path = sys.argv[1], sys.argv[2]
    try:
        header, events = load(path, partial=(cmd == "lines"))
    except (ValueError, UnicodeDecodeError) as e:
        print("not asciicast v2: %s" % e)
        return 1
    errs = check(header, events)
    if errs:
        print("\n".join(errs[:10]))
        return 1
    if cmd == "check":
        print("ok %d events %d markers" % (len(events), sum(1 for e in events if e[1] == "m")))
    elif cmd == "lines":
        print("ok %d complete lines" % (len(events) + 1))
    elif cmd == "markers":
        for e in events:
            if e[1] == "m":
                print(e[2])
    elif cmd == "screen":
        print(screen(header, events))
    return 0

if __name__ == "__main__":
    sys.exit(main())
