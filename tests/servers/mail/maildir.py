"""maildir.py MAILDIR COUNT: writes COUNT messages straight into a Maildir (cur/, unseen), as Dovecot
would have stored them, in a second instead of COUNT deliveries. Every fifth message carries a small
attachment and every seventh has a non-ASCII subject, so ENVELOPE and BODYSTRUCTURE vary; dates run
back one hour per message, and so do the file times (Dovecot's INTERNALDATE). File names follow
Dovecot's: TIME.MnPnQn.HOST,S=SIZE:2, (S= spares it a stat per message).
"""
import os
import sys
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

maildir, count = sys.argv[1], int(sys.argv[2])
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(maildir, sub), exist_ok=True)

start = datetime(2026, 1, 1, tzinfo=timezone.utc)
attachment = bytes(range(256)) * 8
for i in range(1, count + 1):
    m = EmailMessage()
    m["From"] = f"Sender {i % 50} <sender{i % 50}@mail.test>"
    m["To"] = "bench@mail.test"
    m["Subject"] = f"Grüße Nummer {i}" if i % 7 == 0 else f"Bench message {i}"
    m["Date"] = format_datetime(start - timedelta(hours=i))
    m["Message-ID"] = f"<bench-{i}@mail.test>"
    m.set_content(f"Message {i} of the bench mailbox.\n" * 5)
    if i % 5 == 0:
        m.add_attachment(attachment, maintype="application", subtype="octet-stream", filename=f"data-{i}.bin")
    data = m.as_bytes(policy=m.policy.clone(linesep="\n"))
    stamp = int((start - timedelta(hours=i)).timestamp())
    name = f"{stamp}.M{i}P1Q{i}.mail.test,S={len(data)}:2,"
    path = os.path.join(maildir, "cur", name)
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (stamp, stamp))
