"""The forms of the coaching pages, one module per views module."""
