"""The page loads in a real browser and shows the default lesson's numbers."""

import engine
from app import create_app
from components.numbers import num


def test_page_shows_default_lesson_and_its_loss(dash_duo):
    app = create_app()
    dash_duo.start_server(app)
    dash_duo.wait_for_contains_text("#preset", "Default lesson", timeout=10)
    loss = engine.example_passes(engine.PRESETS["default"].state()).bwd.loss
    dash_duo.wait_for_contains_text("#numbers", num(loss), timeout=10)
    dash_duo.wait_for_element("#network svg", timeout=10)
    assert dash_duo.find_element("#phase-text").text.startswith("Ready")
    assert dash_duo.get_logs() == []
