"""The case window: the browser's room, the side panel, captures, notes, the timeline, the idle lock and the stop."""
