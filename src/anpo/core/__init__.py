"""Vocabulary shared by every room of anpo: no I/O, no law."""
