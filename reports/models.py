"""Report editions (the DEfR) live here; see the reports issue."""
