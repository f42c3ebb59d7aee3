"""seed.py LMTP_PORT RECIPIENT: delivers the seed messages to RECIPIENT's INBOX over LMTP on 127.0.0.1.
  1. a plain welcome message
  2. multipart/alternative (text + HTML) inside multipart/mixed with a PDF-typed attachment, report.pdf
  3. a message with a non-ASCII subject (RFC 2047): "Grüße aus Köln ☕"
"""
import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

port, recipient = int(sys.argv[1]), sys.argv[2]
sender = "postmaster@mail.test"


def message(subject):
    m = EmailMessage()
    m["From"] = f"Postmaster <{sender}>"
    m["To"] = recipient
    m["Subject"] = subject
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain="mail.test")
    return m


welcome = message("Welcome")
welcome.set_content("Welcome to mail.test.\n")

report = message("Quarterly report")
report.set_content("The report is attached.\n")
report.add_alternative("<p>The report is <b>attached</b>.</p>\n", subtype="html")
report.add_attachment(b"%PDF-1.4\n" + bytes(range(256)) * 4, maintype="application", subtype="pdf", filename="report.pdf")

greeting = message("Grüße aus Köln ☕")
greeting.set_content("Schöne Grüße!\n")

with smtplib.LMTP("127.0.0.1", port, local_hostname="localhost", timeout=30) as lmtp:
    for m in (welcome, report, greeting):
        lmtp.send_message(m, from_addr=sender, to_addrs=[recipient])
