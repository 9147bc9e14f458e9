"""The guided tour: short steps, each setting up the lab and saying what to look at.

Each step names a ready-made lesson (engine.PRESETS), how many phases to reveal
with Step, the weight to select (the Equations and Blame panels follow it) and
the panel to show. The tour only ever sets the lab up; from any step a person
can carry on by hand, and Exit leaves them with the network in front of them.
This module is content and the one function that turns a step into a state.
"""

from dataclasses import dataclass

import engine
from engine import LabInputError

from .maths import MATHS
from .panels import LANDSCAPES

# Which card shows each panel a step names: the landscapes (app/panels.py), or the maths (app/maths.py).
LANDSCAPE_PANELS = tuple(p.name for p in LANDSCAPES)
MATHS_PANELS = tuple(p.name for p in MATHS)
MAX_WORDS = 120


@dataclass(frozen=True)
class TourStep:
    title: str
    text: str
    preset: str
    phases: int  # Step presses from the lesson's start
    param: str  # the selected weight or bias
    panel: str
    training: tuple = ()  # (TrainConfig field, value) pairs the step sets, e.g. a penalty on the weights
    predict: bool = False  # the step turns Predict, then reveal on (app/predict.py); leaving it leaves it on
    twin: str = ""  # a twin run the step compares the lab with (engine/twins.py TWINS), in the Twin run panel


TOUR = (
    TourStep(
        "The blindfolded climber",
        "Picture yourself on a hillside at night, blindfolded, trying to reach the valley floor. You cannot see "
        "the landscape; you can only feel which way the ground tilts under your feet. So you take a small step "
        "downhill, feel again, and repeat. That is gradient descent: the height is the loss, your position is "
        "the weights, and the tilt is the gradient.\n\nIn the **Toy curves** panel, press **Roll** to take one step. "
        "Tick **blindfold** to hide the curve: the ball only ever knows the slope where it stands. Then try a "
        "large learning rate and watch it overshoot.",
        "default", 0, "W1[0,0]", "ball",
    ),
    TourStep(
        "Two weights, one arrow",
        "With two weights the landscape becomes a map, and the tilt becomes an arrow with one part per weight: "
        "∂C/∂w₁ and ∂C/∂w₂. Together they are the gradient. It points straight uphill, so each update walks "
        "the opposite way.\n\nThe **Two weights** panel shows the loss over two of this network's weights. "
        "Press **Full step** a few times and watch the path walk downhill across the map. A real network has "
        "thousands of weights, so its arrow has thousands of parts. Backpropagation is how we get all of them "
        "at once.",
        "default", 0, "W1[0,0]", "contour",
    ),
    TourStep(
        "Two valleys: the ball takes the nearer one",
        "A real network's loss is not always one smooth bowl. This network has one hidden neuron, a switch: "
        "its weight w decides which arm of the V-shaped data it turns on for, the left for negative w, the "
        "taller right for positive w. Near w = 0 it is off.\n\nThe **One weight** panel draws the loss "
        "as w varies: two valleys with a bump between, the right one deeper. Press **Full step** a few times. "
        "The ball rolls into the nearer, shallower valley and stays: the gradient only knows the slope under "
        "the ball. Click the edge into h₁, drag its slider past the bump to 1 and press **Full step** again: "
        "it rolls into the deeper valley.",
        "local_minimum", 0, "W1[0,0]", "slice",
    ),
    TourStep(
        "The forward pass",
        "Now the network itself. The inputs x₁ = 1 and x₂ = 0.5 travel along the edges. Each neuron adds up "
        "what arrives (weight times activation) plus its bias, to get z, then squashes z with the sigmoid to "
        "get its activation a.\n\nThe signal has reached the hidden layer. The **Equations** panel shows h₁'s "
        "sum with the real numbers: 0.5·1 + (−0.3)·0.5 + 0.1 = 0.45, and σ(0.45) = 0.611. Press **Step** to "
        "send the signal on to the output.",
        "default", 1, "W1[0,0]", "equations",
    ),
    TourStep(
        "The error and the loss",
        "The output o₁ = 0.594 should have been 1. The difference o₁ − t = −0.406 is the error. The loss "
        "squares it, ½(o₁ − t)² = 0.083, so a big miss costs much more than a small one and the sign does not "
        "matter.\n\nThe loss is the one number training tries to shrink. Everything that follows answers one "
        "question: how much did each weight contribute to it?",
        "default", 3, "W2[0,0]", "equations",
    ),
    TourStep(
        "Blame flows back",
        "Backpropagation hands out blame, starting at the output. A neuron's blame δ = ∂C/∂z says how much the "
        "loss would change if its z moved a little. Each hidden neuron receives blame from the neurons it feeds, "
        "in proportion to the weight between them, scaled by how sensitive its own activation is.\n\nThink of "
        "feedback passed down a company's chain of command: a manager's share is split among the people who "
        "reported to them. The **Blame** panel shows h₁'s share arriving and being handed on. The thickest ring "
        "on the graph is the most blamed neuron.",
        "default", 5, "W1[0,0]", "blame",
    ),
    TourStep(
        "The chain rule",
        "Why is blame computed this way? Because of the chain rule. Nudge the weight from x₁ to h₁, and it "
        "nudges h₁'s z, which nudges h₁, which nudges the output's z, which nudges o₁, which changes the "
        "loss. Multiply the rates of change along that path and you get ∂C/∂w.\n\nThe **Equations** panel writes "
        "the chain out, each factor with its value. Their product is exactly the number on the edge. The "
        "gradient check below it confirms this another way: it nudges the weight up and down and measures "
        "the loss.",
        "default", 5, "W1[0,0]", "equations",
    ),
    TourStep(
        "Update, and repeat",
        "With every gradient known, each weight takes a small step against its own gradient: w ← w − η·∂C/∂w. "
        "The edges now show each weight before → after, and the numbers show the loss on this example "
        "falling.\n\nTraining is nothing more than this loop, repeated: forward, loss, backward, update. Choose "
        "**As fast as it goes** and press **Play**. Watch the loss chart fall and the output creep towards its "
        "target.",
        "default", 6, "W2[0,0]", "surface",
    ),
    TourStep(
        "Predict, then reveal",
        "Your turn to think like the network. **Predict** mode is now on (the **Predict** button in the toolbar "
        "turns it off). Before each phase, the card under the heading asks one question about it: which neuron "
        "will be most active, will the loss go down, which sign a neuron's δ will have, which weight takes the "
        "most blame or moves most.\n\nAnswer with a click or the keys 1–4, or let the class vote by a show of "
        "hands and press **Space**. The answer comes up with the numbers that decided it, and the phase with "
        "it; the next **Space** asks the next question. The score counts the answers given in this tab.",
        "default", 0, "W1[0,0]", "slice", predict=True,
    ),
    TourStep(
        "Why backprop runs in reverse",
        "We could also find the gradient going forwards: for every weight, follow how a tiny change in it "
        "spreads to the loss. That is forward-mode differentiation, and it needs the work of one pass for each "
        "weight.\n\nReverse mode, which is backpropagation, runs one pass forward and one pass back and gets "
        "every weight's gradient at once. The **Why reverse** panel counts the multiply-adds for this network. "
        "Add a layer and watch the gap grow. With millions of weights, reverse mode is the only practical "
        "choice.",
        "circle", 0, "W1[0,0]", "reverse",
    ),
    TourStep(
        "Why not try every combination?",
        "Why not skip the calculus and just try values? Give each weight 1,000 candidates. Two weights make a "
        "million combinations: a millisecond, at a billion tries a second. Four weights take about 17 minutes. "
        "Five take about 12 days. The **Try them all** panel does the sums.\n\nThis small network has 37 weights and biases, and trying them all would "
        "outlast the universe many times over. This is the curse of dimensionality: every extra weight "
        "multiplies the work by 1,000. One backprop gradient of this network costs 76 multiply-adds.",
        "circle", 0, "W1[0,0]", "brute",
    ),
    TourStep(
        "Blame fades in deep sigmoid networks",
        "Stack many sigmoid layers and something goes wrong. A sigmoid's slope is at most 0.25, and each layer "
        "the blame passes through multiplies it by that slope (and by the weights).\n\nLook at the blame rings: "
        "thick at the output, thin near the inputs. The **Blame** panel's layer chart shows the average |δ| "
        "shrinking layer by layer, so the first layers barely learn. This is the vanishing gradient, and it is "
        "why deep networks usually use ReLU-like activations.",
        "deep_sigmoid", 13, "W1[0,0]", "blame",
    ),
    TourStep(
        "Twins: sigmoid or ReLU",
        "Two labs from the same start, the same weights and the same batches, differing in one setting: the "
        "lab keeps its sigmoids, its **twin** has ReLU. The **Twins** panel draws both losses in one chart, "
        "and under it, per neuron, how the twin's blame differs from the lab's.\n\nChoose **As fast as it goes** "
        "and press **Play**. The lab's loss hardly moves; the twin's falls, because ReLU's slope is 1 where it "
        "is on, so its first layers still get blame. Other classic twins are in the panel's list: a learning "
        "rate too small or too large, momentum or none.",
        "deep_sigmoid", 0, "W1[0,0]", "twin", twin="relu_deep",
    ),
    TourStep(
        "Overfitting: learning the noise",
        "Two blobs of points that overlap: the noise puts some points on the wrong side, and only 40 of the "
        "200 are for training (a test share of 80 %). The network, two layers of 5, is far bigger than the line "
        "between two blobs needs.\n\nChoose **As fast as it goes** and press **Play**. In **Loss over "
        "training** the train loss keeps falling, to about 0.14 by step 3,000, while the test loss turns and "
        "climbs, from about 0.4 to 0.75. The **Data** panel shows why: the boundary bends around single noisy "
        "training points. The network is learning the noise, and it does worse on new points.",
        "overfitting", 0, "W1[0,0]", "surface",
    ),
    TourStep(
        "A penalty on big weights",
        "The same network, with **L2 regularization** at λ = 0.01 (Settings, Training). The cost gains "
        "λ/2·Σw², so each weight's gradient gains λw, and every update pulls each weight a little towards 0: "
        "the **Equations** tab shows the extra term on this weight.\n\nPress **Play** again. The train loss "
        "stays near 0.29 and the test loss near 0.31: small weights cannot bend the boundary around single "
        "points, so the network learns the blobs, not the noise. Try **L1**, which pushes weights all the way "
        "to 0, or a rate ten times larger: the weights are held so small that both losses stay near 0.4.",
        "overfitting", 7, "W1[0,0]", "equations", training=(("penalty", "l2"), ("weight_decay", 0.01)),
    ),
    TourStep(
        "Three classes: one probability each",
        "Three spiral arms, one class each: A, B and C. The output layer is a **softmax**: one neuron per "
        "class, each pₖ = e^zₖ ∕ Σ e^zⱼ. Every p is between 0 and 1 and the three add up to 1, so they "
        "read as the network's belief in each class.\n\nFour Steps have sent this example forward: it is of "
        "class C, and the untrained network gives C only 0.42. The loss is **cross-entropy**, −log p of the "
        "true class: −log 0.42 = 0.86. The **Equations** tab works out each p with the numbers.",
        "three_classes", 4, "W3[2,0]", "equations",
    ),
    TourStep(
        "The blame at the output is p − t",
        "One more Step and the blame arrives at the output: δ = p − t for each class. The true class, C, gets "
        "0.42 − 1 = −0.58 (raise its z); A and B get their whole p (lower theirs). Each p depends on every z, "
        "yet the sum of those paths collapses to p − t: the **Blame** tab shows how.\n\nNow choose **As fast "
        "as it goes** and press **Play**. The **Data** panel colours the plane by the most likely class, and "
        "**Scores** counts a 3 × 3 confusion matrix: about 88 % right by step 2,000.",
        "three_classes", 5, "W3[2,0]", "blame",
    ),
    TourStep(
        "The classic worked example, number by number",
        "Finally, a check against a famous calculation done by hand. Two inputs, 0.05 and 0.10; two hidden and "
        "two output sigmoid neurons; targets 0.01 and 0.99; learning rate 0.5.\n\nThe **Worked example** panel "
        "lays this app's numbers beside the published ones: the forward values, the total error 0.298371109, "
        "the gradients and every updated weight. Step through the phases and compare the graph with the "
        "table. When you are ready, press **Exit** and explore on your own.",
        "worked_example", 0, "W2[0,0]", "worked",
    ),
)


def predict_steps() -> tuple[int, ...]:
    """The steps that turn Predict, then reveal on (the page turns it on as it shows them)."""
    return tuple(i for i, step in enumerate(TOUR) if step.predict)


def step_index(value) -> int | None:
    """The tour step a browser's store names, or None outside the tour (anything else is refused)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < len(TOUR):
        raise LabInputError(f"The tour has steps 1 to {len(TOUR)}.")
    return value


def step_state(index: int) -> engine.LabState:
    """The lab as tour step `index` sets it up: its lesson, with its training settings, and its phases revealed."""
    step = TOUR[index]
    state = engine.PRESETS[step.preset].state()
    if step.training:
        state = state.replace(train=engine.TrainConfig.from_dict(state.train.to_dict() | dict(step.training)))
    for _ in range(step.phases):
        state = engine.advance(state)
    return state
