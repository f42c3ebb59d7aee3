#!/usr/bin/env bash
# Makes the TLS test material in folder $1 with openssl: a test root CA (ca.crt, the bundle the
# tests trust), an intermediate CA, a CA nobody trusts, and one leaf per case the tests check:
#   valid      localhost, tls.test, 127.0.0.1, ::1 (RSA, signed by the root)
#   wildcard   *.tls.test (EC P-256)
#   expired    2020-2021              notyet     2090-2091
#   short      10 days left           wrongname  wrong.example only
#   selfsigned its own issuer         untrusted  signed by the untrusted CA
#   chain      signed by the intermediate; chain.fullchain.pem = leaf + intermediate
#   client     clientAuth: client.pfx (password "test-password") and client.pem (certificate + key)
#   stranger   clientAuth, signed by the untrusted CA: stranger.pem (certificate + key)
#   valid.pfx  the valid server certificate and key as PKCS#12 (password "test-password");
#              valid-nokey.pfx the certificate alone (same password)
# Every server certificate X has X.crt, X.key and X.fullchain.pem (what a server presents).
set -euo pipefail
dir=${1:?usage: make-pki.sh FOLDER}
mkdir -p "$dir"
cd "$dir"
export OPENSSL_CONF=/dev/null   # no system defaults in the way

key() { # key NAME [rsa|ec]
  if [ "${2:-rsa}" = ec ]; then
    openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"
  else
    openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key"
  fi
}

# A minimal `openssl ca` setup per issuing CA, so start and end dates can be anything.
ca_config() { # ca_config CA
  mkdir -p "$1.db"
  : >"$1.db/index.txt"
  [ -f "$1.db/serial" ] || printf '%s\n' "$(openssl rand -hex 8)" >"$1.db/serial"
  cat >"$1.cnf" <<CNF
[ca]
default_ca = this
[this]
database = $1.db/index.txt
serial = $1.db/serial
new_certs_dir = $1.db
certificate = $1.crt
private_key = $1.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = \${ENV::SAN}
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
[subca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
CNF
}

root() { # root NAME "Common Name"
  key "$1"
  openssl req -x509 -new -key "$1.key" -subj "/O=NetFoundations Tests/CN=$2" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.crt"
  ca_config "$1"
}

sign() { # sign CA NAME "Common Name" EXTENSIONS SAN START END [rsa|ec]
  local ca=$1 name=$2 cn=$3 ext=$4 san=$5 start=$6 end=$7
  key "$name" "${8:-rsa}"
  openssl req -new -key "$name.key" -subj "/O=NetFoundations Tests/CN=$cn" -out "$name.csr"
  SAN=${san:-DNS:unused} openssl ca -batch -notext -config "$ca.cnf" -extensions "$ext" \
    -startdate "$start" -enddate "$end" -in "$name.csr" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr"
  cat "$name.crt" >"$name.fullchain.pem"
}

now=$(date -u +%Y%m%d%H%M%SZ)
in_days() { date -u -d "+$1 days" +%Y%m%d%H%M%SZ; }

root ca "NetFoundations Test Root CA"
root other-ca "Untrusted Test CA"
sign ca intermediate "NetFoundations Test Intermediate CA" subca "" "$now" "$(in_days 3000)"
ca_config intermediate

sign ca valid localhost server "DNS:localhost,DNS:tls.test,IP:127.0.0.1,IP:::1" "$now" "$(in_days 365)"
sign ca wildcard "*.tls.test" server "DNS:*.tls.test" "$now" "$(in_days 365)" ec
sign ca expired localhost server "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20210101000000Z
sign ca notyet localhost server "DNS:localhost,IP:127.0.0.1" 20900101000000Z 20910101000000Z
sign ca short localhost server "DNS:localhost,IP:127.0.0.1" "$now" "$(in_days 10)"
sign ca wrongname wrong.example server "DNS:wrong.example" "$now" "$(in_days 365)"
sign other-ca untrusted localhost server "DNS:localhost,IP:127.0.0.1" "$now" "$(in_days 365)"
sign intermediate chain localhost server "DNS:localhost,IP:127.0.0.1" "$now" "$(in_days 365)"
cat chain.crt intermediate.crt >chain.fullchain.pem
sign ca client "NetFoundations Test Client" client "" "$now" "$(in_days 365)"
sign other-ca stranger "Untrusted Test Client" client "" "$now" "$(in_days 365)"

key selfsigned
openssl req -x509 -new -key selfsigned.key -subj "/O=NetFoundations Tests/CN=localhost" -days 365 -sha256 \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out selfsigned.crt
cp selfsigned.crt selfsigned.fullchain.pem

cat client.crt client.key >client.pem
openssl pkcs12 -export -in client.crt -inkey client.key -passout pass:test-password -out client.pfx
cat stranger.crt stranger.key >stranger.pem
openssl pkcs12 -export -in valid.crt -inkey valid.key -passout pass:test-password -out valid.pfx
openssl pkcs12 -export -nokeys -in valid.crt -passout pass:test-password -out valid-nokey.pfx
