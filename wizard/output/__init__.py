"""What leaves the program: the check table, the report, the crash line."""
