"""Modal questions asked before anything is sent, and the help."""
