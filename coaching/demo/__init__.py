"""The demo data of `seed_demo`, in one place: accounts (coaches, athletes, thresholds, goals,
groups), synthetic recordings ingested through the real pipeline, and the plans they followed.
No real person's data: everything is generated, deterministically from a seed."""
