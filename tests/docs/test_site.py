"""The documentation site builds with warnings as errors: math rendered, API pages made, and
every link of every page it made leads somewhere in it.

The site is built once per module (notebooks run at small sizes) and each test reads it.
"""
import html
import os
import pathlib
import re
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LINKING = {"a": "href", "img": "src", "script": "src", "link": "href"}   # tag -> URL attribute


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = tmp_path_factory.mktemp("mkdocs") / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", SCRATCHRNN_SMALL="1")  # small notebooks
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d",
                           str(site)], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return site


def test_mkdocs_builds_strict_with_math_and_api_pages(site):
    cells = (site / "cells" / "index.html").read_text()
    assert cells.count('class="arithmatex"') >= 5            # the equations, as math
    for name in ("optim", "models", "training", "data"):      # no ASCII equation left there
        assert 'class="arithmatex"' in (site / name / "index.html").read_text(), name
    api = (site / "api" / "index.html").read_text()
    for module in ("scratchrnn.cells.lstm", "scratchrnn.bptt", "scratchrnn.engine"):
        assert module in api, module
    notebook = (site / "notebooks" / "02_bptt_and_gradcheck" / "index.html")
    text = notebook.read_text()
    assert "forget bias 1" in text and "<img" in text           # printed output and figures
    assert (site / "notebooks" / "02_bptt_and_gradcheck_1.png").stat().st_size


class _Page(HTMLParser):
    """The ids of an HTML page and the URLs it links to (a, img, script, link)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids, self.urls = set(), []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if attrs.get(LINKING.get(tag, "")) is not None:
            self.urls.append(attrs[LINKING[tag]])


def broken_site_links(site: pathlib.Path) -> tuple[int, list[str]]:
    """(links checked, the broken ones): each URL without a scheme must name a file of the
    site (a folder: its index.html), and its #fragment an id in that page."""
    site = site.resolve()
    pages = {path: _Page(path.read_text(encoding="utf-8")) for path in sorted(site.rglob("*.html"))}
    checked, broken = 0, []
    for page, parsed in pages.items():
        for url in parsed.urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc:                 # web (https:, mailto:, data:)
                continue
            checked += 1
            path = unquote(parts.path)
            target = (site / path.lstrip("/") if path.startswith("/") else
                      page.parent / path if path else page).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(site)}: {url}"
            if not target.is_relative_to(site) or not target.is_file():
                broken.append(f"{where} (no such file in the site)")
            elif parts.fragment and target.suffix == ".html" and \
                    unquote(parts.fragment) not in pages[target].ids:
                broken.append(f"{where} (no id #{parts.fragment} there)")
    return checked, broken


def test_every_link_of_the_built_site_resolves(site):
    checked, broken = broken_site_links(site)
    assert checked > 1000, f"only {checked} links found: is the site complete?"
    assert not broken, f"{len(broken)} of {checked} links lead nowhere:\n  " + "\n  ".join(broken)


def test_links_to_the_code_lead_to_its_source_pages(site):
    """../scratchrnn/cells/lstm.py in docs/cells.md -> source/scratchrnn/cells/lstm.py/ in
    the site (scripts/mkdocs_source_pages.py), which shows that file of the repository."""
    cells = _Page((site / "cells" / "index.html").read_text())
    assert "../source/scratchrnn/cells/lstm.py/" in cells.urls
    assert "../source/scratchrnn/engine/" in cells.urls                   # a folder
    lstm = (site / "source" / "scratchrnn" / "cells" / "lstm.py" / "index.html").read_text()
    assert "../../../../api/#scratchrnn.cells.lstm" in _Page(lstm).urls  # its API section
    shown = html.unescape(re.sub(r"<[^>]+>", "", lstm))                # the code, untagged
    assert (ROOT / "scratchrnn" / "cells" / "lstm.py").read_text().strip() in shown
    source = site / "source"
    for page in source.rglob("index.html"):
        path = ROOT / page.parent.relative_to(source)
        assert path.exists(), f"{page.relative_to(site)} shows {path}, not in the repository"


def test_link_checker_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<h1 id="top">A</h1><a href="#top">ok</a> <a href="../b.html#x">ok</a> '
        '<a href="https://example.org/nowhere">web</a> <img src="../fig.png">'
        '<a href="../c.html">no file</a> <a href="../b.html#y">no anchor</a> '
        '<a href="#gone">no anchor here</a> <a href="../../outside.html">outside</a> '
        '<script src="/missing.js"></script>')
    (tmp_path / "b.html").write_text('<p id="x">B</p><a href="a/">folder: its index</a>')
    (tmp_path / "fig.png").write_bytes(b"png")
    checked, broken = broken_site_links(tmp_path)
    assert checked == 9                                   # not the https: one
    assert broken == ["a/index.html: ../c.html (no such file in the site)",
                      "a/index.html: ../b.html#y (no id #y there)",
                      "a/index.html: #gone (no id #gone there)",
                      "a/index.html: ../../outside.html (no such file in the site)",
                      "a/index.html: /missing.js (no such file in the site)"]
