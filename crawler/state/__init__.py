"""Job state: what earlier runs of a job fetched and wrote (SQLite, on disk)."""
