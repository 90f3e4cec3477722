"""Pensions (养老保险): employee (企业职工基本养老保险) and resident (城乡居民基本养老保险); parameters/pension."""

from gigcover.rules.pension import employee, resident

__all__ = ["employee", "resident"]
