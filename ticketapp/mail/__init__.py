"""Mail to buyers: rendering (`render`), transports (`transport`) and the outbox sender
(`sender`).

The booking engine writes each mail into the `outbox_mail` table in the transaction of the
change it reports (`ticketapp.booking.outbox`); this package only reads that table and delivers
what it finds, at least once, however long the SMTP server is away. Run it with
`python -m ticketapp.mailer`, or let the app run it in a background thread. No Reflex here.
"""
