"""The policy lab (政策实验室): a calibrated synthetic population of platform workers, on which reform paths are
computed through the same rules (`gigcover.compute`, a place and date per row)."""
