"""Wire schemas: what the server and its kiosks send each other, imported by both sides."""
