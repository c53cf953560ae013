"""The case at rest: keys, the header, the journal, blobs, the status file, durable writes and locks."""
