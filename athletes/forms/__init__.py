"""The forms of the athletes pages, one module per views module."""
