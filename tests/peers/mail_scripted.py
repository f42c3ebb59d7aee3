"""Mail servers that Postfix and Dovecot cannot be told to be, for the mail cmdlets' error paths. Prints "PORT <n>",
then "C: <line>" for every line a client sends (before answering it), until killed.

  mail_scripted.py pop3-without-apop      POP3 whose greeting has no APOP timestamp and whose CAPA offers USER only
  mail_scripted.py imap-stall CERT KEY    IMAP over TLS (CERT, KEY: PEM files) that logs anyone in, opens an INBOX of
                                          three messages and stalls in the middle of the FETCH that lists them
"""
import ssl
import sys

from tcp_common import serve


def pop3_without_apop(command):
    if command == 'CAPA':
        return '+OK\r\nUSER\r\nUIDL\r\n.'
    if command == 'QUIT':
        return '+OK bye'
    return '-ERR unknown command'


def imap_stall(line):
    tag, _, command = line.partition(' ')
    command = command.upper()
    if command.startswith('LOGIN '):
        return tag + ' OK [CAPABILITY IMAP4rev1] logged in'
    if command.startswith('CAPABILITY'):
        return '* CAPABILITY IMAP4rev1\r\n' + tag + ' OK done'
    if command.startswith('NAMESPACE'):
        return '* NAMESPACE (("" "/")) NIL NIL\r\n' + tag + ' OK done'
    if command.startswith('LIST '):
        return '* LIST () "/" INBOX\r\n' + tag + ' OK done'
    if command.startswith('EXAMINE '):
        return ('* 3 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n'
                + tag + ' OK [READ-ONLY] opened')
    if command.startswith('UID SEARCH '):
        return '* SEARCH 1 2 3\r\n' + tag + ' OK done'
    if command.startswith('UID FETCH '):
        # A subject of 500 bytes announced, 10 sent, and nothing more.
        return '* 1 FETCH (UID 1 ENVELOPE (NIL {500}\r\nThe subje'
    if command.startswith('LOGOUT'):
        return '* BYE bye\r\n' + tag + ' OK bye'
    return tag + ' BAD unknown command'


SERVERS = {
    'pop3-without-apop': ('+OK POP3 ready', pop3_without_apop),
    'imap-stall': ('* OK [CAPABILITY IMAP4rev1] ready', imap_stall),
}


def main():
    greeting, answer = SERVERS[sys.argv[1]]
    tls = None
    if len(sys.argv) > 2:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(sys.argv[2], sys.argv[3])

    def converse(connection):
        if tls:
            connection = tls.wrap_socket(connection, server_side=True)
        lines = connection.makefile('rb')
        connection.sendall((greeting + '\r\n').encode())
        for raw in lines:
            line = raw.decode('utf-8', 'replace').rstrip('\r\n')
            print('C:', line, flush=True)
            reply = answer(line)
            connection.sendall((reply + '\r\n').encode())
            if reply.startswith('+OK bye') or reply.startswith('* BYE'):
                return

    serve(converse)


main()
