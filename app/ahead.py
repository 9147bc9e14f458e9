"""The moments the page paints ahead of the server: a Step's next phase and a Full step's end of the
next update. Each answer brings their pictures (app/callbacks.py), and the loss curve beside the
network brings its own pictures of them (app/panels.py), so that a click moves the network, its
headline and the ball in one frame, before the server has heard of the click.

The page matches them by names that both sides compute here: the `lab` (the answer's and the
curve's must be of the same lab) and each moment's name (its step and phase).
"""

import hashlib

import engine


def fingerprint(state) -> str:
    """Changes whenever anything drawn from the lab could change, other than its phase and step: its
    weights, network, data, example on show and penalty."""
    h = hashlib.blake2b(digest_size=12)
    for arr in state.params.W[1:] + state.params.b[1:]:
        h.update(arr.tobytes())
    h.update(repr((state.spec, state.data, state.example, state.train.weight_decay, state.train.penalty)).encode())
    return h.hexdigest()


def lab(state) -> str:
    """Names the lab a picture ahead is of: its fingerprint, and all the next update depends on as
    well (the training settings, the optimizer's memory, the seed that orders the batches). A
    learning rate changed with the weights as they were must not let an older curve's update show."""
    h = hashlib.blake2b(fingerprint(state).encode(), digest_size=12)
    h.update(repr((state.train, state.seed, state.optimizer_state.t)).encode())
    for name, slot in sorted(state.optimizer_state.slots.items()):
        h.update(name.encode())
        for arr in slot.W[1:] + slot.b[1:]:
            h.update(arr.tobytes())
    return h.hexdigest()


def moment(state) -> str:
    """A moment's name: its step and its phase (-1 for ready)."""
    return f"{state.counters.step}:{state.cursor.index}"


def labs(state) -> tuple:
    """(the next phase's lab, the lab at the end of the next update): None for either when nothing is
    painted ahead (a lab that diverged; an update the engine refuses), and "next" for the second
    when the next phase is the update, so that the same picture is not made twice."""
    if state.diverged:
        return None, None
    following = engine.advance(state)
    if not state.cursor.at_update and following.cursor.at_update:
        return following, "next"
    after = engine.full_step(state)
    return following, None if after.diverged else after
