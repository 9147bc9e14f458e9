"""Plain data in, plain data out: engine results become view models, figure dicts
and Dash layout pieces here. No callbacks and no app object (those live in app/).
"""
