"""What the analytics pages show: view models built from selector results, with registry
labels and units in the active language, values formatted for the athlete and chart geometry.
Presentation only: every number comes from the selectors (and so from the metric core)."""
