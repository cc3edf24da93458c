#!/bin/sh
# Checks a webhook from ekyc-gate, with openssl.
#   EKYC_WEBHOOK_KEY=... sh webhook-verify.sh "$SIGNATURE" < body.json
# Prints ok when SIGNATURE (the EKYC-Signature header) signs the body on standard input and is at
# most 5 minutes old; otherwise exits 1 and says why. openssl takes the key as an argument, which
# other users of the machine can see in the process list while it runs: on a shared machine,
# prefer one of the other snippets.
set -euf

tolerance=300 # seconds between the signature's time and ours
[ $# -eq 1 ] || { echo "usage: EKYC_WEBHOOK_KEY=... sh webhook-verify.sh SIGNATURE < body" >&2; exit 2; }
header=$1
key=${EKYC_WEBHOOK_KEY:?set EKYC_WEBHOOK_KEY}

# SIGNATURE is "t=UNIX,v1=HEX" (more v1 during a key change), HEX = HMAC-SHA256(key, t + "." + body).
t='' signatures=''
IFS=,
for field in $header; do
  case $field in
    t=*) [ -z "$t" ] || { echo "more than one t=" >&2; exit 1; }; t=${field#t=} ;;
    v1=*) signatures="$signatures ${field#v1=}" ;;
  esac
done
unset IFS
case $t in '' | *[!0-9]* | ?????????????*) echo "no valid t=" >&2; exit 1 ;; esac
[ -n "$signatures" ] || { echo "no v1=" >&2; exit 1; }

hmac() { openssl dgst -sha256 -hmac "$1" -r | cut -d' ' -f1; }
expected=$({ printf '%s.' "$t"; cat; } | hmac "$key")

# The shell has no constant-time comparison: both sides are compared as HMACs under a random key,
# so how long the comparison takes says nothing about how much of a guessed signature was right.
blind=$(openssl rand -hex 32)
want=$(printf '%s' "$expected" | hmac "$blind")
matched=''
for signature in $signatures; do
  [ "$(printf '%s' "$signature" | tr 'A-F' 'a-f' | hmac "$blind")" = "$want" ] && matched=yes
done
[ -n "$matched" ] || { echo "the signature does not match" >&2; exit 1; }
age=$(($(date +%s) - t))
[ "${age#-}" -le "$tolerance" ] || { echo "signed ${age}s ago, more than ${tolerance}s" >&2; exit 1; }
echo ok
