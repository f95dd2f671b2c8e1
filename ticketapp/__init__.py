"""ticketapp: book seats at events — customers, organizers, one booking engine."""
