"""Interfaces for people: the ``capacity`` command line."""

from capacity.interfaces.cli import app, main

__all__ = ["app", "main"]
