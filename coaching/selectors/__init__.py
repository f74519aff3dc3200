"""Reads of coaching data, always scoped by the viewer (DESIGN §5)."""
