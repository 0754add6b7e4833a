"""`python -m convert` runs the `octavo` command line."""

from .cli import main

main()
