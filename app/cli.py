"""`python -m app` and the `backprop-lab` script: serve the app.

Binds to 127.0.0.1 unless --host or --room is given; debug stays off unless asked for. --room serves
the whole room: it listens on every address (0.0.0.0) and prints the addresses students type
(app/room.py). --room with --host is an error, since the two name different addresses and one would
be ignored in silence.

Without --debug the app is served by waitress, a production server that runs on Linux, macOS and
Windows alike: it reads every request (headers and body) and writes every answer in one event loop,
so a client on a slow connection, or one that dawdles on purpose, holds a socket but never one of
the threads that run the app (bench/slow_clients.py measures it). With --debug it is Flask's
development server, with Dash's dev tools and reloading.
"""

import argparse
import logging
import select

from . import room
from .version import version

THREADS = 8  # threads running the app; bench/slow_clients.py and bench/classroom.py compared 4, 8 and 16
# A browser tab keeps a few connections open between clicks: room for a large class, each held
# only by a socket. Above ~1,000 sockets select() fails, hence poll() (Windows has no poll()).
CONNECTION_LIMIT = 1000


def serve(server, host: str, port: int, threads: int = THREADS) -> None:
    """Serve a WSGI app (Flask's `app.server`) with waitress until interrupted."""
    import waitress

    from engine import limits

    # "Task queue depth is N" at each request that waits for a thread: under a burst that is a log
    # line per request. Errors still show.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    waitress.serve(
        server, host=host, port=port, threads=threads,
        connection_limit=CONNECTION_LIMIT, asyncore_use_poll=hasattr(select, "poll"),
        # waitress buffers a body before the app sees it: refuse one over the limit before buffering it.
        max_request_body_size=limits.MAX_REQUEST_BYTES,
        ident="Backprop Lab",
    )


def announce(host: str, port: int) -> None:
    """Say where the app is. Listening on every address, http://0.0.0.0/ is no address a student can
    type, nor one every browser opens: name this computer's addresses on the network instead."""
    if host != room.EVERY_ADDRESS:
        print(f"Backprop Lab: open http://{host}:{port}/ in a browser (Ctrl+C stops it).", flush=True)
        return
    print(f"Backprop Lab is serving the whole room on port {port}; on this computer open "
          f"http://127.0.0.1:{port}/ (Ctrl+C stops it).", flush=True)
    print(room.students_open(port, room.room_addresses()), flush=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="backprop-lab", description="Serve Backprop Lab in the browser.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this computer only)")
    where.add_argument("--room", action="store_true",
                       help="serve the whole room: listen on every address and print the ones students open")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--threads", type=int, default=THREADS, help=f"threads running the app (default {THREADS})")
    parser.add_argument("--debug", action="store_true", help="Dash's debug mode and dev tools (for development)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    args = parser.parse_args(argv)
    if not 1 <= args.threads <= 64:
        parser.error("--threads from 1 to 64")
    if args.room:
        args.host = room.EVERY_ADDRESS

    from . import create_app

    app = create_app()
    announce(args.host, args.port)
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True)
        return
    try:
        serve(app.server, args.host, args.port, args.threads)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
