"""Evidence ledger: an append-only Merkle log with signed checkpoints (capability C6)."""
