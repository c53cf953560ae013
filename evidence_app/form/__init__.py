"""The policy's form, "Record of reviewing devices / internet sites": what goes on it, its pages and its signature."""
