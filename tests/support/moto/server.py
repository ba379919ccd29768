#!/usr/bin/env python3
"""A moto server on 127.0.0.1 for the AWS-mode tests (tests/support/moto_server.sh runs it).

    python3 tests/support/moto/server.py URL_FILE

Binds a free loopback port (port 0: the kernel chooses, so no other process can take it between
choosing and binding), writes the server's URL to URL_FILE once it accepts connections, and
serves until it receives SIGTERM or SIGINT.

If tests/support/moto/extensions.py exists, its install() runs first: it fills, inside the test
harness only, the gaps measured in moto 5.2.1 (issue 13), behaving as AWS documents.

Exit status 3, with one line on stderr, when moto cannot be imported.
"""

import importlib.util
import os
import signal
import sys
import threading


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: server.py URL_FILE\n")
        return 2
    url_file = sys.argv[1]
    try:
        from moto.server import ThreadedMotoServer
    except Exception as error:  # noqa: BLE001 - any import failure means no moto
        sys.stderr.write(f"moto cannot be imported by {sys.executable}: {error}\n")
        return 3

    here = os.path.dirname(os.path.abspath(__file__))
    extensions_path = os.path.join(here, "extensions.py")
    if os.path.exists(extensions_path):
        spec = importlib.util.spec_from_file_location("datamesh_moto_extensions", extensions_path)
        extensions = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(extensions)
        extensions.install()

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    partial = url_file + ".partial"
    with open(partial, "w", encoding="ascii") as out:
        out.write(f"http://{host}:{port}\n")
    os.replace(partial, url_file)  # the URL appears whole or not at all

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.2):  # wakes up to run the signal handler promptly
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
