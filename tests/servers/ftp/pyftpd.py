"""The second FTP server of the tests: pyftpdlib (Debian's python3-pyftpdlib), which lists with MLSD (vsftpd offers
LIST only) and shows each user its own directory as "/".

Usage: pyftpd.py FOLDER NAME USER PASSWORD
Serves on 127.0.0.1, on a free port, plain FTP and explicit FTPS (AUTH TLS, with FOLDER/pki/NAME.fullchain.pem):
the user in FOLDER/files (read-write), anonymous in FOLDER/anon (read-only). Passive ports in a range of high ports.
Prints PORT=<n> and READY=1 once it listens, then serves until killed.
"""
import os
import socket
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import TLS_FTPHandler
from pyftpdlib.servers import FTPServer

folder, name, user, password = sys.argv[1:5]
authorizer = DummyAuthorizer()
authorizer.add_user(user, password, os.path.join(folder, "files"), perm="elradfmwMT")
authorizer.add_anonymous(os.path.join(folder, "anon"))


class Handler(TLS_FTPHandler):
    certfile = os.path.join(folder, "pki", name + ".fullchain.pem")
    keyfile = os.path.join(folder, "pki", name + ".key")
    tls_control_required = False
    tls_data_required = False
    authorizer = authorizer
    banner = "pyftpdlib test server ready."


# A free port for the control connection, and 40 passive ports after another free one.
probe = socket.socket()
probe.bind(("127.0.0.1", 0))
first = probe.getsockname()[1]
probe.close()
first = min(first, 65535 - 40)
Handler.passive_ports = range(first, first + 40)

server = FTPServer(("127.0.0.1", 0), Handler)
server.max_cons = 64
print(f"PORT={server.address[1]}", flush=True)
print("READY=1", flush=True)
server.serve_forever(handle_exit=True)
