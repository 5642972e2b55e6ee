"""What persists: the disk cache of vectors and answers, the SQLite store (votes, share links, A/B
assignments, the call log), and share links."""
