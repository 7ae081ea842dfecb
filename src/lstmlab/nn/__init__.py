"""Torch models and training: the fast path for experiments. Imports torch when used."""
