"""The ``crawler`` console script: Scrapy's command machinery with our commands
(``crawler/commands/<verb>.py``), our program name, and one-line errors.

Scrapy is imported inside the functions, not here: the extraction workers
(``multiprocessing`` spawn) import the parent's ``__main__`` module, which is
this one, and need none of Scrapy, Twisted or OpenSSL (~0.3 s of start-up and
~25 MB each)."""

from __future__ import annotations

import os
import pkgutil
import sys
from importlib import import_module
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from scrapy.commands import ScrapyCommand

PROG = "crawler"


def command_names() -> list[str]:
    """The verbs: the modules of ``crawler/commands``, none of them imported."""
    import crawler.commands

    return sorted(info.name for info in pkgutil.iter_modules(crawler.commands.__path__))


def load_command(name: str) -> type[ScrapyCommand] | None:
    return getattr(import_module(f"crawler.commands.{name}"), "Command", None)


def commands() -> dict[str, type[ScrapyCommand]]:
    """Every verb's command class (imports them all: for the help and the docs)."""
    return {name: cls for name in command_names() if (cls := load_command(name)) is not None}


def _print_commands(cmds: dict[str, type[ScrapyCommand]]) -> None:
    print(f"Usage: {PROG} <command> [options] [args]\n\nCommands:")
    for name, cls in sorted(cmds.items()):
        print(f"  {name:<10} {cls().short_desc()}")
    print(f"\nUse \"{PROG} <command> -h\" for more about a command.")


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    import argparse

    from scrapy.cmdline import _run_command
    from scrapy.commands import ScrapyHelpFormatter
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.exceptions import UsageError
    from scrapy.utils.project import get_project_settings

    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    if not argv or argv[0] in ("-h", "--help"):
        _print_commands(commands())
        sys.exit(0)
    name = argv.pop(0)
    # only the verb's own module: a crawl need not import the replay server's
    cls = load_command(name) if name in command_names() else None
    if cls is None:
        fail(f"unknown command {name!r}; run '{PROG} --help' for the list")
    cmd = cls()
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
    except KeyboardInterrupt:  # commands that stop in their own way catch it first
        print(f"{PROG} {name}: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(cmd.exitcode)


if __name__ == "__main__":
    main()
