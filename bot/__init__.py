"""Wiring: settings, the command line and one adapter module per chat channel."""
