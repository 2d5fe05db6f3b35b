"""mkdocs hook: the pages' links to the code lead to the code, inside the built site.

The pages link to the repository's files with relative paths that leave docs/
(`../scratchrnn/cells/lstm.py`, `../benchmarks/`). GitHub follows them, but a built site
holds docs/ only, and the repository has no public address to send them to (no `repo_url`).
So every file such a link names gets a page of its own, `source/<path>/`, showing the file
as it was when the site was built (and linking to its section of the API reference, where
there is one), and every folder a page listing its files and folders, each with a page too.
Before mkdocs checks a page's links, those leaving docs/ are pointed at these pages; a link
to a file or folder that does not exist is left as written, and the strict build fails on
it like on any other broken link (mkdocs.yml's `validation`). The Markdown is unchanged.
"""
from __future__ import annotations

import os
import posixpath
import re
import subprocess
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit, urlunsplit

from markdown import Extension
from markdown.treeprocessors import Treeprocessor
from mkdocs.structure.files import File, InclusionLevel

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "source"                                    # the pages live under site/source/
LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.M)
API_BLOCK = re.compile(r"^:::\s+([\w.]+)", re.M)     # mkdocstrings: `::: scratchrnn.cells.lstm`
LANGUAGE = {".py": "python", ".toml": "toml", ".md": "markdown", ".yml": "yaml",
            ".yaml": "yaml", ".sh": "bash", ".json": "json", ".cfg": "ini", ".txt": "text"}


def page_of(path: str, is_dir: bool) -> str:
    """Source uri (in docs/) of the page of a repository path: 'a/b.py' -> 'source/a/b.py.md'."""
    if is_dir:
        return posixpath.join(PREFIX, "" if path == "." else path, "index.md")
    return f"{PREFIX}/{path}.md"


def repository_files(root: Path) -> list[str]:
    """The repository's files (tracked or new, not ignored), as posix paths."""
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                             cwd=root, capture_output=True, text=True, check=True).stdout
        return [p for p in out.splitlines() if (root / p).is_file()]
    except (OSError, subprocess.CalledProcessError):     # no git: walk, skipping the usual noise
        skip = re.compile(r"^(\..*|__pycache__|.*\.egg-info|site|build)$")
        return [path.relative_to(root).as_posix() for path in root.rglob("*")
                if path.is_file() and not any(skip.match(p) for p in path.relative_to(root).parts)]


class _Pages:
    """Which repository paths get a page: those the docs link to, and what their folders hold."""

    def __init__(self, root: Path, docs_dir: Path):
        self.root, self.docs_dir = root, docs_dir
        self.files: dict[str, Path] = {}        # repository path -> file on disk
        self.dirs: dict[str, list[str]] = {}    # repository path -> entries ('name', 'folder/')
        self._listing: list[str] | None = None

    def repo_path(self, page_src_uri: str, link_path: str) -> str | None:
        """A link's target as a repository path, if it leaves docs/ and stays in the repository."""
        target = Path(os.path.normpath(self.docs_dir / posixpath.dirname(page_src_uri) / link_path))
        if target.is_relative_to(self.docs_dir) or not target.is_relative_to(self.root):
            return None
        return target.relative_to(self.root).as_posix()

    def add(self, path: str) -> None:
        full = self.root / path
        if full.is_file():
            self.files[path] = full
        elif full.is_dir() and path not in self.dirs:
            if self._listing is None:
                self._listing = repository_files(self.root)
            prefix = "" if path == "." else path + "/"
            below = [p[len(prefix):] for p in self._listing if p.startswith(prefix)]
            entries = {p.split("/", 1)[0] + ("/" if "/" in p else "") for p in below}
            entries = sorted(entries, key=lambda e: (not e.endswith("/"), e))  # folders first
            self.dirs[path] = entries
            for entry in entries:
                self.add(posixpath.normpath(prefix + entry.rstrip("/")))

    def src_uri(self, path: str) -> str | None:
        if path in self.files:
            return page_of(path, is_dir=False)
        if path in self.dirs:
            return page_of(path, is_dir=True)
        return None


def _relative(target_src_uri: str, from_src_uri: str) -> str:
    return posixpath.relpath(target_src_uri, posixpath.dirname(from_src_uri) or ".")


def _fenced(text: str, language: str) -> str:
    """A code block that no run of backticks in the text can close early."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def _folder_line(pages: _Pages, path: str, src_uri: str) -> str:
    parent = posixpath.dirname(path) or "."
    if path == "." or parent not in pages.dirs:
        return ""
    return f"In [`{parent}/`]({_relative(page_of(parent, True), src_uri)}). "


def file_page(pages: _Pages, path: str, api: dict[str, tuple[str, str]]) -> str:
    src_uri = page_of(path, is_dir=False)
    data = pages.files[path].read_bytes()
    about = _folder_line(pages, path, src_uri)
    if path in api:
        page, anchor = api[path]
        about += f"Its documentation: [API reference]({_relative(page, src_uri)}#{anchor}). "
    try:
        body = _fenced(data.decode("utf-8"), LANGUAGE.get(PurePosixPath(path).suffix, "text"))
    except UnicodeDecodeError:
        body = f"A binary file of {len(data):,} bytes, not shown."
    return (f"# `{path}`\n\n*{about}The file as it was when this site was built.*\n\n"
            f"{body}\n")


def folder_page(pages: _Pages, path: str) -> str:
    src_uri = page_of(path, is_dir=True)
    prefix = "" if path == "." else path + "/"
    items = []
    for entry in pages.dirs[path]:
        target = pages.src_uri(posixpath.normpath(prefix + entry.rstrip("/")))
        items.append(f"- [`{entry}`]({_relative(target, src_uri)})")
    about = _folder_line(pages, path, src_uri)
    return (f"# `{prefix or './'}`\n\n*{about}The folder as it was when this site was built.*\n\n"
            + ("\n".join(items) or "(empty)") + "\n")


def api_sections(files) -> dict[str, tuple[str, str]]:
    """Repository path of each module the API pages document -> (page src_uri, anchor id)."""
    found = {}
    for file in files.documentation_pages():
        for module in API_BLOCK.findall(file.content_string):
            base = module.replace(".", "/")
            for path in (f"{base}.py", f"{base}/__init__.py"):
                if (ROOT / path).is_file():
                    found.setdefault(path, (file.src_uri, module))
    return found


class _PointAtSourcePages(Treeprocessor):
    """Rewrite hrefs leaving docs/ to the source pages; runs before mkdocs' own link check."""

    def __init__(self, hook: _SourceLinks):
        super().__init__()
        self.hook = hook

    def run(self, root):
        page_src_uri, pages = self.hook.page_src_uri, self.hook.pages
        if page_src_uri is None or pages is None:
            return root
        for element in root.iter("a"):
            scheme, netloc, path, query, fragment = urlsplit(element.get("href", ""))
            if scheme or netloc or not path or path.startswith(("/", "\\")):
                continue
            repo_path = pages.repo_path(page_src_uri, unquote(path))
            target = pages.src_uri(repo_path) if repo_path is not None else None
            if target is not None:
                element.set("href", urlunsplit(("", "", _relative(target, page_src_uri),
                                                query, fragment)))
        return root


class _SourceLinks(Extension):
    def __init__(self):
        super().__init__()
        self.page_src_uri: str | None = None
        self.pages: _Pages | None = None

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_PointAtSourcePages(self), "scratchrnn_source_links", 1)


_EXTENSION = _SourceLinks()


def on_config(config):
    config.markdown_extensions.append(_EXTENSION)
    return config


def on_files(files, config):
    """Add a page per file and folder that the docs link to (after the notebooks hook)."""
    pages = _Pages(ROOT, Path(config.docs_dir).resolve())
    for file in files.documentation_pages():
        for inline, reference in LINK_TARGET.findall(file.content_string):
            scheme, netloc, path, _, _ = urlsplit(inline or reference)
            if not (scheme or netloc) and path and not path.startswith("/"):
                repo_path = pages.repo_path(file.src_uri, unquote(path))
                if repo_path is not None:
                    pages.add(repo_path)
    api = api_sections(files)
    for path in pages.files:
        files.append(File.generated(config, page_of(path, is_dir=False),
                                    content=file_page(pages, path, api),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    for path in pages.dirs:
        files.append(File.generated(config, page_of(path, is_dir=True),
                                    content=folder_page(pages, path),
                                    inclusion=InclusionLevel.NOT_IN_NAV))
    _EXTENSION.pages = pages
    return files


def on_page_markdown(markdown, page, config, files):
    _EXTENSION.page_src_uri = page.file.src_uri
    return markdown
