"""The docs hold together: every command has its section in docs/commands.md
with the options its parser has, every page is in the index, and every
relative link leads to a file (and heading) that exists."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from scrapy.settings import Settings

from crawler.cli import commands
from tests.conftest import ROOT

DOCS = ROOT / "docs"
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
#: Options of every command (Scrapy's); documented once, not per command.
GLOBAL = {"-h", "--help", "--logfile", "-L", "--loglevel", "--nolog", "--profile", "--pidfile",
          "-s", "--set", "--pdb"}


def anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text("utf-8"), flags=re.MULTILINE | re.DOTALL)
    return {anchor(m) for m in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}


def sections(path: Path) -> dict[str, str]:
    """``## name`` sections of a page: heading -> body."""
    parts = re.split(r"^## (.+)$", path.read_text("utf-8"), flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_command_is_documented_with_its_options() -> None:
    documented = sections(DOCS / "commands.md")
    for name, cls in commands().items():
        assert name in documented, f"docs/commands.md has no section for {name!r}"
        parser = argparse.ArgumentParser(conflict_handler="resolve")
        cmd = cls()
        cmd.settings = Settings()
        cmd.add_options(parser)
        options = {opt for action in parser._actions for opt in action.option_strings}
        body = documented[name]
        if name in ("export", "report"):  # their own pages hold the details
            assert f"]({name}.md)" in body
            continue
        for option in sorted(options - GLOBAL):
            if name == "worker" and option in ("--seeds", "--max-pages", "--allow-domain",
                                               "--recheck-after", "--summary-json"):
                continue  # parsed (shared with crawl) but not used by a worker
            if name == "demo" and option != "--port":
                continue  # the crawl options, documented under crawl
            assert re.search(rf"`{re.escape(option)}[ `=,\]]", body), \
                f"docs/commands.md, {name}: option {option} not documented"


def test_every_page_is_in_the_index() -> None:
    index = (DOCS / "README.md").read_text("utf-8")
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert f"]({page.name})" in index, f"docs/README.md does not link {page.name}"
    assert "](docs/README.md)" in (ROOT / "README.md").read_text("utf-8")


def test_relative_links_resolve() -> None:
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in LINK.findall(page.read_text("utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            path, _, fragment = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            assert dest.exists(), f"{page.name}: broken link {target}"
            if fragment and dest.suffix == ".md":
                assert fragment in anchors(dest), f"{page.name}: no heading #{fragment} in {path}"


def test_quick_start_stays() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "python3.11 tasks.py demo" in readme and "python3.11 tasks.py test" in readme


def test_the_architecture_names_every_folder_of_the_package() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    named = set(re.findall(r"^\| `(crawler/[\w/]*)` \|", text, re.M))
    folders = {f"{p.relative_to(ROOT).as_posix()}/" for p in (ROOT / "crawler").rglob("*")
               if p.is_dir() and (p / "__init__.py").is_file()} | {"crawler/"}
    assert named == folders


def test_every_crawler_setting_is_defined_commented_and_used() -> None:
    import crawler.settings as project

    source = (ROOT / "crawler" / "settings.py").read_text("utf-8").splitlines()
    defined = {name for name in dir(project) if name.startswith("CRAWLER_")}
    assignment = re.compile(r"^CRAWLER_\w+\s*[:=]")
    for name in defined:  # a "#:" comment says what it does (one may cover a group)
        line = next(i for i, text in enumerate(source) if re.match(rf"{name}\s*[:=]", text))
        while line > 0 and assignment.match(source[line - 1]):
            line -= 1
        assert source[line - 1].startswith("#:"), f"{name} has no #: comment above it"
    code = "\n".join(p.read_text("utf-8") for p in (ROOT / "crawler").rglob("*.py")
                     if p.name != "settings.py")
    used = {n for n in re.findall(r"\b(CRAWLER_[A-Z0-9_]+)\b", code) if not n.endswith("_")}
    used -= {"CRAWLER_SHARED_DIR"}  # an environment variable of the benchmarks
    from crawler.options import RENAMED

    used -= set(RENAMED)  # earlier names, still read through crawler.options
    assert used - defined == set()  # every setting read is defined (with its default)
    assert {n for n in defined if n not in code and f'"{n}"' not in code} == set()  # none dead
