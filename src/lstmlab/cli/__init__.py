"""The command line. The only part of lstmlab that prints."""
