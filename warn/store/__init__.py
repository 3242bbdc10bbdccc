"""Storage: engine set-up, SQLModel tables and the queries the service runs."""
