"""`python -m bot` does what `hitl serve` does (`python -m bot --help` says so and stops)."""

import sys

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve", *sys.argv[1:]]))
