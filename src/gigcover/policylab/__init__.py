"""The policy lab (政策实验室): reform paths computed on a population of platform workers through the rules."""
