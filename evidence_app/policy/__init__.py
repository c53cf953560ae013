"""The school policy's rules as data and checks: concerns, sanctions, the blocklist and its URLs, referral texts, people and passphrases."""
