#!/usr/bin/env python3
"""Opens trace.html in headless Chromium and checks the DOM it rendered: a
lane per task, the finding's text, the highlighted window, and the line the
page's own script writes once laid out (so the browser really ran it).

usage: check_html.py CHROMIUM TRACE_HTML FINDING_KIND TASK...
Exit 0 when every check holds; 1 naming what is missing."""
import os
import subprocess
import sys
import tempfile
from html.parser import HTMLParser


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack = []
        self.lanes, self.window_rows, self.arrows = [], 0, 0
        self.text = {}  # element id -> text

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "tr" and "window" in classes:
            self.window_rows += 1
        if "wake-arrow" in classes:
            self.arrows += 1
        self.stack.append((tag, a.get("id"), "lane-head" in classes))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        for _, ident, lane in self.stack:
            if ident:
                self.text[ident] = self.text.get(ident, "") + data
        if self.stack and self.stack[-1][2]:
            self.lanes.append(data.strip())


def main(argv):
    chromium, page, kind, tasks = argv[1], os.path.abspath(argv[2]), argv[3], argv[4:]
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                              "--no-first-run", f"--user-data-dir={profile}",
                              "--dump-dom", "file://" + page],
                             capture_output=True, text=True, timeout=120)
    if out.returncode != 0 or "<html" not in out.stdout:
        print(f"chromium failed ({out.returncode}): {out.stderr[-2000:]}")
        return 1
    dom = Dom()
    dom.feed(out.stdout)
    problems = []
    if dom.lanes != tasks:
        problems.append(f"lanes are {dom.lanes}, expected {tasks}")
    if kind not in dom.text.get("finding", ""):
        problems.append(f"the finding '{kind}' is not at the top: {dom.text.get('finding')!r}")
    if dom.window_rows == 0:
        problems.append("no highlighted window rows")
    rendered = dom.text.get("rendered", "")
    want = f"{len(tasks)} lanes, "
    if not rendered.startswith(want) or f"{dom.window_rows} in the window" not in rendered:
        problems.append(f"the page's script did not run as expected: rendered = {rendered!r}")
    if "replay" not in dom.text.get("replay", "") :
        problems.append("no replay command")
    for p in problems:
        print(f"{page}: {p}")
    if not problems:
        print(f"{page}: rendered by chromium: {rendered}; {dom.arrows} wake arrows")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
