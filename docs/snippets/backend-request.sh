#!/bin/sh
# The EKYC-Signature header of a request from your backend to ekyc-gate, with openssl.
#   EKYC_LINK_KEY=... sh backend-request.sh METHOD PATH [BODY_FILE] [T]
# METHOD and PATH as sent (POST /ekyc/verifications, GET /ekyc/verifications/ID); BODY_FILE the
# exact body bytes (none for a GET); T a Unix time (default: now). Prints the header's value.
# openssl takes the key as an argument, which other users of the machine can see in the process
# list while it runs: on a shared machine, prefer one of the other snippets.
set -eu

[ $# -ge 2 ] && [ $# -le 4 ] || { echo "usage: sh backend-request.sh METHOD PATH [BODY_FILE] [T]" >&2; exit 2; }
method=$1 path=$2 body=${3:-/dev/null}
[ -n "$body" ] || body=/dev/null
t=${4:-$(date +%s)}

# The label, method, path, time and body hash are all signed: the signature is good for this
# one request, within 5 minutes of T, and for nothing else signed with the same key.
body_hash=$(openssl dgst -sha256 -r <"$body" | cut -d' ' -f1)
sig=$(printf 'backend-request\n%s\n%s\n%s\n%s' "$method" "$path" "$t" "$body_hash" |
  openssl dgst -sha256 -hmac "${EKYC_LINK_KEY:?set EKYC_LINK_KEY}" -r | cut -d' ' -f1)
echo "t=$t,v1=$sig"
