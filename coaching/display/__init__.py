"""What coaching pages show of its data, computed for display: no query, no write."""
