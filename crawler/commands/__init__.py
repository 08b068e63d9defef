"""``crawler`` sub-commands, one module per verb (``class Command``)."""
