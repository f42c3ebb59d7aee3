"""imap_summaries.py PORT USER PASSWORD: what Get-ImapMessage does, with Python's imaplib: logs in,
examines INBOX, searches ALL, fetches the summary items of every message (UID FLAGS INTERNALDATE
RFC822.SIZE ENVELOPE BODYSTRUCTURE) and logs out. Prints "seconds count": the time from connect to
logout (the interpreter's start-up is not counted, as the engine's is not on the other side).
"""
import imaplib
import re
import sys
import time

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
start = time.perf_counter()
client = imaplib.IMAP4("127.0.0.1", port)
client.login(user, password)
client.select("INBOX", readonly=True)
typ, found = client.uid("SEARCH", "ALL")
uids = found[0].split()
typ, fetched = client.uid("FETCH", b"%s:%s" % (uids[0], uids[-1]), "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
client.logout()
seconds = time.perf_counter() - start
# One item per message ("N (UID ..."), a tuple where a value came as a literal, then its closing bytes.
summaries = sum(1 for item in fetched if isinstance(item, tuple) or re.match(rb"\d+ \(", item))
print(f"{seconds} {summaries}")
