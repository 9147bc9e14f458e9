"""The one error type the engine raises for input a person can fix."""


class LabInputError(ValueError):
    """Bad input: an unknown name, a broken limit, a wrong shape, a non-finite number.

    The message says what was wrong and what is allowed, in words fit for the page.
    """
