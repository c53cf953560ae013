"""The open case and the rules that protect its evidence, and the store of cases on this computer."""
