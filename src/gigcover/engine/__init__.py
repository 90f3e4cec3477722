"""The rules engine: dated, cited parameters; variables with declared inputs; evaluation with traces."""
