"""The Word templates shipped with xiufu (version 1 of each letter kind) and their builder."""
