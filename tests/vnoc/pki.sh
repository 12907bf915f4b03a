#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pki.sh - throwaway test PKI for the VNOC tests (sourced).
#   pki_ca DIR [NAME]         CA key+cert in DIR/NAME.{key,crt} (default "ca")
#   pki_cert DIR CN [CA]      client/server cert DIR/CN.{key,crt} signed by CA
#   pki_many DIR PREFIX N     N site certs PREFIX1..PREFIXN, one openssl call each
# EC P-256 keys: fast to make, fast handshakes.

pki_ca() {
	local dir=$1 name=${2:-ca}
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$dir/$name.key" -out "$dir/$name.crt" -days 2 \
		-subj "/CN=IVGMP test $name" 2>/dev/null
}

pki_cert() {
	local dir=$1 cn=$2 ca=${3:-ca}
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$dir/$cn.key" -out "$dir/$cn.csr" -subj "/CN=$cn" \
		2>/dev/null || return 1
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' \
		> "$dir/$cn.ext"
	openssl x509 -req -in "$dir/$cn.csr" -CA "$dir/$ca.crt" \
		-CAkey "$dir/$ca.key" -CAcreateserial -out "$dir/$cn.crt" \
		-days 2 -extfile "$dir/$cn.ext" 2>/dev/null || return 1
	rm -f "$dir/$cn.csr" "$dir/$cn.ext"
}

pki_many() {
	local dir=$1 prefix=$2 n=$3 i
	for ((i = 1; i <= n; i++)); do
		pki_cert "$dir" "$prefix$i" || return 1
	done
}

# pki_raw_cert DIR NAME CN [CN...]: a cert signed by DIR/ca with these
# common names taken as they are (NUL bytes, any length), which openssl's
# command line refuses to make: for the server's identity checks.
pki_raw_cert() {
	local dir=$1 name=$2
	shift 2
	/usr/bin/python3 - "$dir" "$name" "$@" <<'PY'
import datetime, sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
d, name, cns = sys.argv[1], sys.argv[2], sys.argv[3:]
ca_key = serialization.load_pem_private_key(
    open(d + '/ca.key', 'rb').read(), None)
ca = x509.load_pem_x509_certificate(open(d + '/ca.crt', 'rb').read())
key = ec.generate_private_key(ec.SECP256R1())
subj = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                     cn.encode().decode('unicode_escape'),
                                     _validate=False) for cn in cns])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(subj).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.ExtendedKeyUsage(
            [x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256()))
open('%s/%s.crt' % (d, name), 'wb').write(
    cert.public_bytes(serialization.Encoding.PEM))
open('%s/%s.key' % (d, name), 'wb').write(key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption()))
PY
}
