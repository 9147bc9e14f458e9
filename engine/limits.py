"""Every limit the lab enforces, in one place.

The engine checks networks and data against these numbers, `from_dict` checks
untrusted JSON against them, the app checks uploads, links and requests against
them, and the README lists them. Nothing here computes.
"""

# The network
MIN_INPUTS, MAX_INPUTS = 1, 8
MIN_HIDDEN_LAYERS, MAX_HIDDEN_LAYERS = 0, 6
MIN_NEURONS, MAX_NEURONS = 1, 8  # per hidden layer
MIN_OUTPUTS, MAX_OUTPUTS = 1, 4

# Data and training
MIN_POINTS, MAX_POINTS = 1, 2000  # dataset rows, generated or uploaded
MAX_BATCH = MAX_POINTS
MAX_ABS_VALUE = 1e6  # any parameter or data value
MAX_SEED = 2**32 - 1
MAX_LEARNING_RATE = 100.0
MAX_WEIGHT_DECAY = 10.0
MAX_NOISE = 2.0
MAX_EPOCHS_PER_CALL = 1000
MAX_HISTORY = 500  # loss-history entries kept in the state
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0)  # offered in the settings
BATCH_SIZES = (1, 5, 10, 25, 50, 100, 200)  # offered in the settings

# Work per picture
MAX_GRID = 120  # points per axis of a loss landscape grid
MAX_SLICE = 400  # points of a 1-D loss slice
MAX_PATH = 1000  # steps of a ball's path on a toy curve
MAX_FRAMES_PER_TICK = 12  # pictures one Play tick brings at full speed: a round trip of 200 ms at 60 frames a second

# What comes in from a browser
MAX_STATE_BYTES = 2_000_000  # serialised lab state (a saved lab file too)
MAX_UPLOAD_BYTES = 200_000  # an uploaded CSV, refused unread beyond this (2000 rows fit easily)
MAX_LINK_CHARS = 2000  # of a link's settings; a real link is under 200
MAX_PINNED = 6  # weights with a slider on the page at once
MAX_REQUEST_BYTES = 8_000_000  # one request: the lab and its start (2 MB each at most), a file upload and the rest

# Time travel, kept in the page: at least the last TIMELINE_STEPS steps (every phase of them) or
# the last TIMELINE_MOMENTS moments, whichever reaches further back, within TIMELINE_BYTES of states.
TIMELINE_STEPS = 200
TIMELINE_MOMENTS = 400
TIMELINE_BYTES = 50_000_000
