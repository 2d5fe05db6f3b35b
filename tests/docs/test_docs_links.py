"""Every relative link in docs/*.md and README.md points to a file of the repository (and
an anchor into a Markdown page to one of its headings), and mkdocs.yml's nav lists exactly
the pages in docs/.

Strict on purpose: a link to a page that is not written yet fails, listing the target, so
a broken link is caught the day it is made. Web links (http:, mailto:, ...) are not
checked; code blocks and inline code are not links.
"""
import pathlib
import re
import unicodedata
from urllib.parse import unquote

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md")) + [p for p in [ROOT / "README.md"] if p.exists()]

FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
REF_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.M)
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def links(text: str) -> list[str]:
    """Targets of inline, image and reference links outside code."""
    text = INLINE_CODE.sub("", FENCE.sub("", text))
    return INLINE_LINK.findall(text) + REF_LINK.findall(text)


def anchors(text: str) -> set[str]:
    """Heading ids as mkdocs (Python-Markdown's toc) and GitHub make them; either is accepted."""
    ids = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", FENCE.sub("", text), re.M):
        heading = re.sub(r"`([^`]*)`", r"\1", heading).strip().lower()
        ascii_ = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
        ids.add(re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_)).strip("-"))  # mkdocs
        ids.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", heading)))                # GitHub
    return ids


def broken_links(page: pathlib.Path) -> list[str]:
    broken = []
    for target in links(page.read_text()):
        if SCHEME.match(target):
            continue                                     # web link: not checked offline
        path, _, fragment = unquote(target.split("?", 1)[0]).partition("#")
        resolved = (page.parent / path).resolve() if path else page.resolve()
        if not resolved.exists():
            shown = resolved.relative_to(ROOT) if resolved.is_relative_to(ROOT) else resolved
            broken.append(f"{target} (no {shown})")
        elif not resolved.is_relative_to(ROOT):
            broken.append(f"{target} (outside the repository)")
        elif fragment and resolved.suffix == ".md" and \
                fragment not in anchors(resolved.read_text()):
            broken.append(f"{target} (no heading #{fragment} in {resolved.name})")
    return list(dict.fromkeys(broken))                   # each target once


def test_anchors_follow_mkdocs_and_github():
    ids = anchors("# Truncated BPTT\n## The loop over time: BPTT\n"
                  "## Train, validation and test sets — and the leak\n```\n# not a heading\n```\n")
    assert {"truncated-bptt", "the-loop-over-time-bptt",
            "train-validation-and-test-sets-and-the-leak",           # mkdocs
            "train-validation-and-test-sets--and-the-leak"} <= ids   # GitHub
    assert "not-a-heading" not in ids


def test_link_parser():
    text = ("[a](cells.md) ![img](fig.png) [b](https://x.org) [c](#top) "
            "[d](../scratchrnn/bptt.py#L3 \"title\")\n`[no](code.md)`\n```\n[no](block.md)\n```\n"
            "[ref]: models.md\n")
    assert links(text) == ["cells.md", "fig.png", "https://x.org", "#top",
                           "../scratchrnn/bptt.py#L3", "models.md"]


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_relative_links_resolve(page):
    broken = broken_links(page)
    assert not broken, f"{page.relative_to(ROOT)} links to missing files:\n  " + \
        "\n  ".join(broken)


def nav_pages() -> list[str]:
    """The .md entries of mkdocs.yml's nav (a small reader: no YAML library needed)."""
    text = (ROOT / "mkdocs.yml").read_text()
    nav = text.split("\nnav:", 1)[1]
    nav = re.split(r"\n(?=\S)", nav, maxsplit=1)[0]                     # up to the next key
    return re.findall(r"([\w./-]+\.md)\s*$", nav, re.M)


def test_mkdocs_nav_matches_docs():
    listed = nav_pages()
    assert len(listed) == len(set(listed)), f"pages listed twice: {listed}"
    generated = {f"notebooks/{p.stem}.md" for p in (ROOT / "notebooks").glob("*.py")}
    missing = [p for p in listed if not (DOCS / p).exists() and p not in generated]
    unlisted = sorted(p.name for p in DOCS.glob("*.md") if p.name not in listed)
    assert not missing, f"mkdocs.yml's nav lists pages that do not exist: {missing}"
    assert not unlisted, f"pages missing from mkdocs.yml's nav: {unlisted}"
