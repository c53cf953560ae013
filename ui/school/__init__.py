"""The school key and the incident register: setting up the key, giving it, the register and police release."""
