"""Garmin: the "Export Your Data" archive (`export`) and its pure JSON mapping (`mapping`)."""
