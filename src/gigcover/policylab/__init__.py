"""The policy lab (政策实验室): a calibrated synthetic population of platform workers, and the paper's reform paths
computed on it through the same rules (`gigcover.compute`, a place and date per row)."""
