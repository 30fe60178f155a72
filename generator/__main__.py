"""`python -m generator`: the `aibrief` command."""

from generator.cli import main

if __name__ == "__main__":
    main()
