"""`python -m app` and the `backprop-lab` script: serve the app.

Binds to 127.0.0.1 unless --host is given; debug stays off unless asked for.
"""

import argparse

from .version import version


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="backprop-lab", description="Serve Backprop Lab in the browser.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 serves a whole room)")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true", help="Dash's debug mode and dev tools (for development)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    args = parser.parse_args(argv)

    from . import create_app

    print(f"Backprop Lab: open http://{args.host}:{args.port}/ in a browser (Ctrl+C stops it).", flush=True)
    create_app().run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
