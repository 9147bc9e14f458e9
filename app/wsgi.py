"""WSGI entry for another WSGI server, e.g. `gunicorn --worker-class gevent app.wsgi:server`.

`backprop-lab` (app/cli.py) serves the same app with waitress.
"""

from . import create_app

server = create_app().server
