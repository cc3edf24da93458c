#!/bin/sh
# Signed links for ekyc-gate, with openssl.
#   EKYC_LINK_KEY=... sh signed-link.sh start-link REF [EXP]     a start link for the browser
#   EKYC_LINK_KEY=... sh signed-link.sh result-read TOKEN [EXP]  a result read for your backend
# EXP is a Unix time (default: 5 minutes from now). Prints the path and query to put after your
# site's address. openssl takes the key as an argument, which other users of the machine can see
# in the process list while it runs: on a shared machine, prefer one of the other snippets.
set -eu

usage() { echo "usage: sh signed-link.sh start-link REF [EXP] | result-read TOKEN [EXP]" >&2; exit 2; }
[ $# -eq 2 ] || [ $# -eq 3 ] || usage
case $1 in
  start-link) path=/ekyc/start name=ref ;;
  result-read) path=/ekyc/callback name=token ;;
  *) usage ;;
esac
kind=$1 value=$2
exp=${3:-$(($(date +%s) + 300))}

# The kind is signed too, so a signature made for one kind is never valid as the other.
sig=$(printf '%s\n%s\n%s' "$kind" "$value" "$exp" |
  openssl dgst -sha256 -hmac "${EKYC_LINK_KEY:?set EKYC_LINK_KEY}" -r | cut -d' ' -f1)
# Every byte of the value as %XX, so any ref or token survives the query string.
encoded=$(printf '%s' "$value" | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g')
echo "$path?$name=$encoded&exp=$exp&sig=$sig"
