#!/usr/bin/env python3
"""tests/html/expect.py: what a page of `mapviz export -o F.html` must show,
worked out apart from the browser: the casts the page holds (its JSON in
<script id="mv-data">) replayed through a terminal emulator (pyte, by
tests/record/cast.py).

  expect.py json PAGE       for each cast: its title, its markers (time,
                            label) and the screen at each marker and at
                            the start, as JSON
  expect.py cast PAGE K     cast K as it is in the page (to compare with
                            `mapviz record`)

A screen at time T is every "o" event up to and including T, as the player
shows it when it is sought to T (at the start: the events at time 0).
"""
import html.parser
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "record"))
import cast  # noqa: E402  (tests/record/cast.py)


class DataFinder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside = False
        self.text = None

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("id") == "mv-data":
            self.inside = True
            self.text = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


def page_casts(path):
    with open(path, encoding="utf-8") as f:
        p = DataFinder()
        p.feed(f.read())
    if p.text is None:
        raise SystemExit("%s: no <script id=\"mv-data\">" % path)
    return json.loads(p.text)["casts"]


def parse(text):
    lines = text.split("\n")
    if lines[-1] != "":
        raise SystemExit("a cast in the page does not end with a newline")
    return json.loads(lines[0]), [json.loads(l) for l in lines[1:-1]]


def screen_at(header, events, t):
    return cast.screen(header, [e for e in events if e[0] <= t + 1e-9]).split("\n")


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    casts = page_casts(path)
    if cmd == "cast":
        sys.stdout.write(casts[int(sys.argv[3])])
        return 0
    out = []
    for text in casts:
        header, events = parse(text)
        errs = cast.check(header, events)
        if errs:
            raise SystemExit("a cast in the page is not asciicast v2: %s" % errs[0])
        markers = [{"t": e[0], "label": e[2], "screen": screen_at(header, events, e[0])}
                   for e in events if e[1] == "m"]
        out.append({"title": header.get("title", ""), "width": header["width"],
                    "height": header["height"], "first": screen_at(header, events, 0),
                    "markers": markers})
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
