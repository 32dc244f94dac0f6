"""Wiring: settings, the service runner and worker, the HTTP server, logs; one package per chat channel."""
