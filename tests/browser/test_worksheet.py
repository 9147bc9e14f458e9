"""The worksheet as a teacher makes it: a full step on the page, Worksheet…, a new tab with the trained
weights, Print, and the browser's own PDF of it (Chrome's Page.printToPDF): the sheet, then the answer
key on a page of its own. The Markdown button downloads the same sheet for editing."""

import base64
import re

import engine
from components.worksheet import number
from engine.worksheet import make_worksheet
from tests.browser.test_classroom import downloaded, files
from tests.browser.test_network_page import open_page, wait_until

TITLE = "Worksheet: one step of backpropagation"


def pdf(driver) -> bytes:
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    return base64.b64decode(printed["data"])


def pages(document: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", document))


def pdf_title(document: bytes) -> str:
    """The document's title as Chrome writes it in the PDF's information: UTF-16 in hex."""
    found = re.search(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>", document)
    return bytes.fromhex(found.group(1).decode()).decode("utf-16-be") if found else ""


def test_a_worksheet_from_the_lab_on_screen_prints_with_its_key_on_its_own_page(dash_duo):
    open_page(dash_duo)
    driver = dash_duo.driver
    dash_duo.find_element("#full-step").click()
    dash_duo.wait_for_text_to_equal("#counters", "Step 1 · Epoch 1", timeout=10)
    trained = engine.full_step(engine.PRESETS["default"].state())
    ws = make_worksheet(trained)

    lab_tab = driver.current_window_handle
    dash_duo.find_element("#open-worksheet").click()
    new_tab = wait_until(lambda: [h for h in driver.window_handles if h != lab_tab], "the worksheet's tab")[0]
    dash_duo.wait_for_contains_text("#share-note", "new tab", timeout=10)
    driver.switch_to.window(new_tab)
    wait_until(lambda: driver.execute_script("return document.readyState") == "complete"
               and driver.find_elements("css selector", "main.sheet h1"), "the worksheet page")
    heading = driver.find_element("css selector", "main.sheet h1").text
    assert heading.startswith(TITLE) and trained.title in heading
    given = driver.find_element("css selector", ".givens").text
    assert number(float(trained.params.W[2][0, 0])) in given  # the trained weight h₁ → o₁, 0.7599
    assert "the weights after step 1" in driver.find_element("css selector", "main.sheet .meta").text
    assert len(driver.find_elements("css selector", "main.sheet td.blank")) == len(ws.blanks)

    # Print… opens the browser's print (stubbed: a headless browser has no dialog to close).
    driver.execute_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    driver.find_element("css selector", "#print-sheet").click()
    wait_until(lambda: driver.execute_script("return window.printed") == 1, "Print to call window.print")

    printed = pdf(driver)
    assert printed.startswith(b"%PDF") and pages(printed) >= 2
    assert pdf_title(printed).startswith(TITLE)
    # The key starts a page of its own: without it the printout loses at least one whole page.
    driver.execute_script("document.querySelector('section.key').remove()")
    assert pages(pdf(driver)) <= pages(printed) - 1

    # The same sheet as Markdown, downloaded by a form in the page (it posts the lab again).
    before = files(dash_duo)
    driver.find_element("css selector", "#markdown").click()
    text = downloaded(dash_duo, ".md", before).read_text()
    assert text.startswith(f"# {TITLE}") and "# Answer key · worksheet 1" in text
    assert f"${number(float(trained.params.W[2][0, 0]))}$" in text
    assert dash_duo.get_logs() == []  # no script or style refused by the app's CSP
