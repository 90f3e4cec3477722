"""`python -m gigcover.cli …`: the same command line as the `gigcover` script."""

from gigcover.cli import main

main()
