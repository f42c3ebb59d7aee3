#!/usr/bin/env bash
# server-certificate.sh PKI NAME: after tests/servers/tls/make-pki.sh PKI, signs with its test CA a server certificate
# for NAME (also localhost and 127.0.0.1): PKI/NAME.crt, PKI/NAME.key, PKI/NAME.fullchain.pem.
# Each FTP test server has a name of its own: .NET reuses a TLS session (which vsftpd requires on data connections)
# by the server's name, and a session another test's server made under the same name at the same time would be offered
# instead.
set -euo pipefail
cd "${1:?usage: server-certificate.sh PKI NAME}"
name=${2:?usage: server-certificate.sh PKI NAME}
export OPENSSL_CONF=/dev/null
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key"
openssl req -new -key "$name.key" -subj "/O=NetFoundations Tests/CN=$name" -out "$name.csr"
SAN="DNS:$name,DNS:localhost,IP:127.0.0.1" openssl ca -batch -notext -config ca.cnf -extensions server \
  -days 30 -in "$name.csr" -out "$name.crt" 2>/dev/null
rm -f "$name.csr"
cp "$name.crt" "$name.fullchain.pem"
