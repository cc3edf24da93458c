# shellcheck shell=bash
# The demo's TLS material. Sourced by scripts/lib/stack.sh.
#   certs_generate DIR   a CA (ca.crt, ca.key) and a server certificate for localhost and
#                        127.0.0.1 signed by it (server.crt, server.key), unless DIR already
#                        holds a valid pair for at least another day.
#
# The handlers and SDKs trust ca.crt (config `ca_file`); nothing turns verification off.

certs_generate() {
  local dir=$1
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ -s "$dir/ca.crt" ] && [ -s "$dir/server.crt" ] && [ -s "$dir/server.key" ] &&
     openssl verify -CAfile "$dir/ca.crt" "$dir/server.crt" >/dev/null 2>&1 &&
     openssl x509 -checkend 86400 -noout -in "$dir/server.crt" >/dev/null 2>&1; then
    return 0
  fi

  # Keys are created private; the files are rewritten whole, never patched.
  (
    umask 077
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 30 \
      -subj "/CN=ekyc-gate demo CA" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -addext "subjectKeyIdentifier=hash" 2>/dev/null

    openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
      -keyout "$dir/server.key" -out "$dir/server.csr" \
      -subj "/CN=localhost" 2>/dev/null

    cat > "$dir/server.ext" <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
      -CAcreateserial -out "$dir/server.crt" -days 30 -extfile "$dir/server.ext" 2>/dev/null
  )
  rm -f "$dir/server.csr" "$dir/server.ext" "$dir/ca.srl"
  # The CA certificate is public: every process that checks the API's certificate reads it.
  chmod 644 "$dir/ca.crt" "$dir/server.crt"
  openssl verify -CAfile "$dir/ca.crt" "$dir/server.crt" >/dev/null
}
