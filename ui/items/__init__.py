"""Files and devices as evidence: adding files (button, shortcut, drag-and-drop), the list, describing, viewing."""
