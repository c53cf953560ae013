"""Export for the police and verifying a bundle."""
