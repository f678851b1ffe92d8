"""Data for demos and benchmarks."""
