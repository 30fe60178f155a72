"""AI Trade Brief: how the AI build-out shows up in U.S. goods trade."""

__version__ = "0.1.0"
