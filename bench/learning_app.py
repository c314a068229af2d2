"""WSGI target for bench/learning_load.py: the real app with rate limits off.

400 phones come from 400 addresses in a real event; here they all come from 127.0.0.1, so the per-address
limits would refuse them. Everything else is the production app.
"""

from bimtek import create_app

app = create_app({"RATELIMIT_ENABLED": False})
