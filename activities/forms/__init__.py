"""The forms of the activities pages, one module per views module."""
