"""What the school keeps beside the cases: the incident register, the school key's page and the settings."""
