"""The police bundle: writing and verifying it, the age format, the BagIt bag, custody and time stamps."""
