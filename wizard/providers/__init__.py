"""Identity providers behind one small interface (Clerk is the one there is)."""
