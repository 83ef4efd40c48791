"""Letters: formal Chinese letters from Word templates, issued as DOCX and PDF (capability C7)."""
