#!/bin/bash
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
