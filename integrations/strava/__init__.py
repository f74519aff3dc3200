"""Strava: the bulk-export archive (`export`) and its pure activities.csv mapping (`mapping`)."""
