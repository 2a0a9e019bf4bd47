#!/usr/bin/env python3
"""Serves a folder on 127.0.0.1 for the SafeDM playground (`make demo`) and its browser test.

Prints `Serving DIR at http://127.0.0.1:PORT/` once listening (the test reads that line). Uses the
given port, or any free one when it is taken or 0. Serves `.wasm` as `application/wasm` and `.js`
as `text/javascript`, which streaming WebAssembly compilation and modules need.
"""

import argparse
import errno
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".html": "text/html; charset=utf-8",
        ".json": "application/json",
    }

    def end_headers(self):
        # A playground under development: never serve stale engine builds.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if self.server.quiet:
            return
        super().log_message(format, *args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args()
    handler = functools.partial(Handler, directory=args.directory)
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as e:
        if e.errno != errno.EADDRINUSE:
            raise
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.quiet = args.quiet
    port = server.server_address[1]
    print(f"Serving {args.directory} at http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
