"""Structured logging defaults for health-check endpoints (INERT TEST FIXTURE, never run)."""

from .setup_logging import configure_logging

__all__ = ["configure_logging"]
