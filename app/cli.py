"""`python -m app` and the `backprop-lab` script: serve the app.

Binds to 127.0.0.1 unless --host is given; debug stays off unless asked for. Without --debug the
app is served by waitress, a production server that runs on Linux, macOS and Windows alike: it
reads every request (headers and body) and writes every answer in one event loop, so a client on a
slow connection, or one that dawdles on purpose, holds a socket but never one of the threads that
run the app (bench/slow_clients.py measures it). With --debug it is Flask's development server,
with Dash's dev tools and reloading.
"""

import argparse
import logging
import select

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



def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="backprop-lab", description="Serve Backprop Lab in the browser.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 serves a whole room)")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--threads", type=int, default=THREADS, help=f"threads running the app (default {THREADS})")
    parser.add_argument("--debug", action="store_true", help="Dash's debug mode and dev tools (for development)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    args = parser.parse_args(argv)
    if not 1 <= args.threads <= 64:
        parser.error("--threads from 1 to 64")

    from . import create_app

    app = create_app()
    print(f"Backprop Lab: open http://{args.host}:{args.port}/ in a browser (Ctrl+C stops it).", flush=True)
    if args.debug:
        app.run(host=args.host, port=args.port, debug=True)
        return
    try:
        serve(app.server, args.host, args.port, args.threads)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
