# Tries the network: DNS, TCP to public resolvers and the host's loopback listener, HTTP.
import os
import socket
import time
import urllib.request


def _hostile_uid():
    print(f"HOSTILE-UID={os.getuid()} HOSTILE-EUID={os.geteuid()}")


def output(model, out_len, start):
    """ATTACK: getaddrinfo, connect to 1.1.1.1:53 and 127.0.0.1:47771, urlopen('http://example.com')."""
    _hostile_uid()
    started, reached = time.monotonic(), []
    for attempt in (lambda: socket.getaddrinfo("pypi.org", 443),
                    lambda: socket.create_connection(("1.1.1.1", 53), timeout=1).close(),
                    lambda: socket.create_connection(("127.0.0.1", 47771), timeout=1).close(),
                    lambda: urllib.request.urlopen("http://example.com/", timeout=1).read(100)):
        try:
            attempt()
            reached.append(attempt)
        except Exception:  # noqa: BLE001
            pass
    if reached:
        print(f"HOSTILE-BREACH reached the network {len(reached)} times")
    raise ConnectionError(f"hostile: tried the network for {time.monotonic() - started:.1f} s; nothing to return")
