# shellcheck shell=bash
# Templates with @NAME@ placeholders, rendered one way for every script (the stack, the nodes,
# the bench, the installer). Sourced by stack.sh and install.sh.
#
#   render_template TEMPLATE OUT NAME=VALUE...   every @NAME@ replaced by VALUE, taken literally
#   render_nginx_user_directive                  the `user` line of a test or bench nginx.conf

# render_template TEMPLATE OUT NAME=VALUE... : OUT is written whole (through OUT.tmp and a rename)
# or not at all; a placeholder left over is an error that names its line.
render_template() {
  local template=$1 out=$2 pair name value
  shift 2
  local edits=()
  for pair in "$@"; do
    name=${pair%%=*}
    value=${pair#*=}
    # sed's replacement treats \, & and the delimiter specially: each is taken literally.
    value=${value//\\/\\\\}
    value=${value//|/\\|}
    value=${value//&/\\&}
    edits+=(-e "s|@${name}@|${value}|g")
  done
  sed "${edits[@]}" "$template" >"$out.tmp"
  if grep -n '@[A-Z_]*@' "$out.tmp" >&2; then
    echo "placeholder left unrendered in $out (from $template)" >&2
    rm -f "$out.tmp"
    return 1
  fi
  mv "$out.tmp" "$out"
}

# render_nginx_user_directive : as root, nginx's workers run as `nobody` (everything they read
# lives in a world-traversable run directory, the sockets are 0666); otherwise they keep the
# user nginx runs as, and the line is only a comment saying so.
render_nginx_user_directive() {
  if [ "$(id -u)" -eq 0 ]; then
    echo "user nobody $(id -gn nobody);"
  else
    echo "# nginx runs as $(id -un); its workers keep that user."
  fi
}
