"""Web evidence: what a response record is, which bodies may be kept, and where the browser ran."""
