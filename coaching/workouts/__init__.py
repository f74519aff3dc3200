"""Structured workouts, pure (no Django): the step tree, its text syntax, estimates, step
compliance and FIT workout export. An import-linter contract keeps this package pure."""
