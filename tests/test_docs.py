"""The documentation holds together: links resolve, the README stays short, no stale design path."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
SKIPPED_DIRS = {".git", ".venv", "node_modules", ".pytest_cache", ".ruff_cache", ".hypothesis"}
MAX_README_SECTION_LINES = 60

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def _prose(text: str) -> str:
    """The text without its code blocks (a ``[x](y)`` inside one is code, not a link)."""
    return _FENCE.sub("", text)


def _relative_links(page: Path) -> list[str]:
    links = _LINK.findall(_prose(page.read_text("utf-8")))
    return [link for link in links if not re.match(r"[a-z][a-z0-9+.-]*:", link) and not link.startswith("#")]


def _markdown_files() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.md")
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts[:-1])
        and not any(part.endswith(".egg-info") for part in path.relative_to(ROOT).parts)
    ]


def test_the_pages_exist() -> None:
    names = {page.name for page in PAGES}
    for name in ("fake.md", "pytest-plugin.md", "alerts-and-faults.md", "conformance.md", "limits.md", "design.md"):
        assert name in names


def _anchors(page: Path) -> set[str]:
    """GitHub's ids of a page's headings: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", _prose(page.read_text("utf-8")), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_every_relative_link_points_to_an_existing_file(page: Path) -> None:
    broken = []
    for link in [
        *_relative_links(page),
        *(page.name + link for link in _LINK.findall(_prose(page.read_text("utf-8"))) if link.startswith("#")),
    ]:
        target, _, anchor = link.partition("#")
        path = page.parent / target
        missing_heading = anchor and path.suffix == ".md" and path.exists() and anchor not in _anchors(path)
        if not path.exists() or missing_heading:
            broken.append(link)
    assert broken == [], f"{page.relative_to(ROOT)}: links to missing files or headings: {broken}"


def test_no_readme_section_is_longer_than_a_screen() -> None:
    sections = re.split(r"^(?=## )", README.read_text("utf-8"), flags=re.MULTILINE)
    too_long = {
        section.splitlines()[0]: len(section.splitlines())
        for section in sections[1:]
        if len(section.splitlines()) > MAX_README_SECTION_LINES
    }
    assert too_long == {}, f"README sections over {MAX_README_SECTION_LINES} lines: {too_long}"


def _repository_text_files() -> list[Path]:
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    suffixes = {".md", ".py", ".json", ".toml", ".txt", ".cfg", ""}
    return [ROOT / name for name in tracked.splitlines() if Path(name).suffix in suffixes and (ROOT / name).is_file()]


def test_nothing_in_the_repository_points_outside_it_or_to_a_stale_design_file() -> None:
    stale = []
    this_file = Path(__file__).resolve()
    for path in _repository_text_files():
        if path.resolve() == this_file:
            continue
        text = path.read_text("utf-8", errors="replace")
        if "../shared/" in text:
            stale.append(f"{path.relative_to(ROOT)}: mentions ../shared/")
        for match in re.finditer(r"(?<![/\w])DESIGN\.md", text):
            stale.append(f"{path.relative_to(ROOT)}: mentions DESIGN.md at {match.start()}")
        if path.suffix != ".md":
            continue
        for link in _LINK.findall(_prose(text)):
            target = link.split("#", 1)[0]
            if target.lower().endswith("design.md") and (path.parent / target).resolve() != ROOT / "docs" / "design.md":
                stale.append(f"{path.relative_to(ROOT)}: links {link}")
    assert stale == []
