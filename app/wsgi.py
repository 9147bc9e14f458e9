"""WSGI entry for a production server: `gunicorn app.wsgi:server`."""

from . import create_app

server = create_app().server
