"""The ``crawler`` console script: Scrapy's command machinery with our commands
(``crawler/commands/<verb>.py``), our program name, and one-line errors."""

from __future__ import annotations

import os
import pkgutil
import sys
from importlib import import_module

from scrapy.cmdline import _run_command
from scrapy.commands import ScrapyCommand, ScrapyHelpFormatter
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.exceptions import UsageError
from scrapy.utils.project import get_project_settings

import crawler.commands

PROG = "crawler"


def commands() -> dict[str, type[ScrapyCommand]]:
    found = {}
    for info in pkgutil.iter_modules(crawler.commands.__path__):
        module = import_module(f"crawler.commands.{info.name}")
        cls = getattr(module, "Command", None)
        if cls is not None:
            found[info.name] = cls
    return found


def _print_commands(cmds: dict[str, type[ScrapyCommand]]) -> None:
    print(f"Usage: {PROG} <command> [options] [args]\n\nCommands:")
    for name, cls in sorted(cmds.items()):
        print(f"  {name:<10} {cls().short_desc()}")
    print(f"\nUse \"{PROG} <command> -h\" for more about a command.")


def fail(message: str, code: int = 2) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    import argparse

    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    cmds = commands()
    if not argv or argv[0] in ("-h", "--help"):
        _print_commands(cmds)
        sys.exit(0)
    name = argv.pop(0)
    if name not in cmds:
        fail(f"unknown command {name!r}; run '{PROG} --help' for the list")
    cmd = cmds[name]()
    settings = get_project_settings()
    settings.setdict(cmd.default_settings, priority="command")
    cmd.settings = settings
    parser = argparse.ArgumentParser(
        prog=f"{PROG} {name}", formatter_class=ScrapyHelpFormatter,
        usage=f"{PROG} {name} {cmd.syntax()}", description=cmd.long_desc(),
        conflict_handler="resolve",
    )
    cmd.add_options(parser)
    opts, args = parser.parse_known_args(argv)
    unknown = [a for a in args if a.startswith("-") and a != "-"]
    try:
        if unknown:
            raise UsageError(f"unrecognized option {unknown[0]}")
        cmd.process_options(args, opts)
        if cmd.requires_crawler_process:
            cmd.crawler_process = AsyncCrawlerProcess(settings)
        _run_command(cmd, args, opts)
    except UsageError as exc:
        fail(str(exc) or "bad usage; see -h")
    sys.exit(cmd.exitcode)


if __name__ == "__main__":
    main()
