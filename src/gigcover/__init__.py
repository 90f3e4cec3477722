"""gigcover: social protection for China's internet-platform flexible workers (互联网平台灵活就业群体的社会保障)."""

__version__ = "0.1.0"
