"""JSON Schemas of the bureau protocol, shipped as package data (``message-1.json``)."""
