"""The start screen and what opens from it: the cases, a new case, signing in, recovery, retention and deletion."""
