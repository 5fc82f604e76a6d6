#!/usr/bin/env bash
# Makes the certificates of the TLS tests with openssl, in DIR (created; files replaced):
#   ca.crt                     the test CA that clients and servers trust
#   server.crt/.key            for localhost, 127.0.0.1 and ::1, signed by the CA (serverAuth and
#                              clientAuth: cluster nodes also connect to each other with it)
#   client.crt/.key            a client certificate signed by the CA (mutual TLS)
#   wrong-host.crt/.key        signed by the CA for wrong-host.invalid only
#   expired.crt/.key           for localhost and 127.0.0.1, signed by the CA, expired in 2020
#   untrusted.crt/.key         for localhost and 127.0.0.1, signed by another CA (other-ca.crt)
#   client-untrusted.crt/.key  a client certificate signed by that other CA
# EC P-256 keys: generated in milliseconds.
set -euo pipefail
dir=${1:?directory}
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

make_ca() {  # name subject
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "$2" -days 3650 -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

# A certificate for `name` signed by `ca` with the given SANs and extended key usage, valid for a
# year, or (with "expired") from 2019-01-01 to 2020-01-01 through `openssl ca`, which alone takes
# explicit dates in OpenSSL 3.0.
sign() {  # name ca san eku [expired]
  local name=$1 ca=$2 san=$3 eku=$4 when=${5:-}
  key "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' \
    > "$name.ext"
  printf 'extendedKeyUsage=%s\n' "$eku" >> "$name.ext"
  [ -n "$san" ] && printf 'subjectAltName=%s\n' "$san" >> "$name.ext"
  if [ "$when" = expired ]; then
    mkdir -p ca-db && : > ca-db/index.txt && echo 1000 > ca-db/serial
    cat > ca-db/ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
CNF
    openssl ca -batch -config ca-db/ca.cnf -cert "$ca.crt" -keyfile "$ca.key" -in "$name.csr" \
      -out "$name.crt" -startdate 20190101000000Z -enddate 20200101000000Z \
      -extfile "$name.ext" -notext 2>/dev/null
  else
    openssl x509 -req -in "$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial \
      -days 365 -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  fi
  rm -f "$name.csr" "$name.ext"
}

local_names="DNS:localhost,IP:127.0.0.1,IP:::1"
make_ca ca "/CN=agenthost test CA"
make_ca other-ca "/CN=agenthost untrusted CA"
sign server ca "$local_names" serverAuth,clientAuth
sign client ca "" clientAuth
sign wrong-host ca "DNS:wrong-host.invalid" serverAuth
sign expired ca "$local_names" serverAuth expired
sign untrusted other-ca "$local_names" serverAuth
sign client-untrusted other-ca "" clientAuth
chmod 644 ./*.key  # read by a test server running as another user, if any
echo "test certificates ready in $dir"
