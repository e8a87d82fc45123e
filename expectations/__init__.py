"""Great Expectations suites (JSON under gx/) and the code that runs them (validate.py).

Importing this package does not import Great Expectations; `expectations.validate`
imports it lazily on the first validation.
"""
