# shellcheck shell=bash
# What scripts/install and scripts/uninstall share: where each file goes, and one function per kind
# of change, each of which prints what it does (or, with --dry-run, what it would do) and does
# nothing when the machine is already as wanted.
#
# With a prefix everything lands under it and nothing outside it is touched: no user is created,
# no systemctl is run, and files are chowned only to users that exist (as root); each of those
# steps is printed as what would be done on the real system.

# shellcheck source=scripts/lib/render.sh
source "$(dirname "${BASH_SOURCE[0]}")/render.sh"

# Every name this file defines starts with install_ (or INSTALL_), so a script that sources it
# next to other libraries gets no generic `remove` or `change` of its own.

INSTALL_PREFIX=""
INSTALL_DRY_RUN=false
INSTALL_USER=ekyc
INSTALL_NGINX_USER=""
INSTALL_CHANGES=0
# The comment of the system user the installer creates; uninstall --purge removes only that user.
# shellcheck disable=SC2034
INSTALL_USER_COMMENT="ekyc-gate handlers"

# The paths and lists below are read by scripts/install and scripts/uninstall.
# shellcheck disable=SC2034
install_paths() {
  local p=$INSTALL_PREFIX
  BINDIR=$p/usr/local/bin
  CONFDIR=$p/etc/ekyc
  STATEDIR=$p/var/lib/ekyc
  RUNDIR=$p/run/ekyc
  UNITDIR=$p/etc/systemd/system
  SNIPPETDIR=$p/etc/nginx/snippets
  TMPFILESDIR=$p/etc/tmpfiles.d
  NGINXDIR=$p/etc/nginx
  # Debian's nginx.conf includes conf.d/*.conf at the http level: the handlers' upstreams go there.
  NGINXCONFD=$p/etc/nginx/conf.d
  UNITS=(ekyc-start.socket ekyc-start.service ekyc-callback.socket ekyc-callback.service
         ekyc-sweep.service ekyc-sweep.timer ekyc-reconcile.service ekyc-reconcile.timer
         ekyc-deliver.service)
  BINARIES=(ekyc-start ekyc-callback)
}

install_say() { echo "$INSTALL_NAME: $*"; }
install_die() { echo "$INSTALL_NAME: $*" >&2; exit 1; }

# install_change DESCRIPTION COMMAND... : one change to the machine, printed, and run unless --dry-run.
install_change() {
  local what=$1
  shift
  INSTALL_CHANGES=$((INSTALL_CHANGES + 1))
  if $INSTALL_DRY_RUN; then
    install_say "would $what"
  else
    install_say "$what"
    "$@"
  fi
}

# The real system: the installer acts on it only as root and without a prefix.
install_real() { [ -z "$INSTALL_PREFIX" ]; }

install_systemd_running() { install_real && [ -d /run/systemd/system ]; }

# install_group_of USER : the user's primary group, or the user's name when there is no such user.
install_group_of() { id -gn "$1" 2>/dev/null || echo "$1"; }

# install_can_chown USER GROUP : ownership can be given (root, and both exist).
install_can_chown() {
  [ "$(id -u)" -eq 0 ] && id "$1" >/dev/null 2>&1 && getent group "$2" >/dev/null 2>&1
}

# install_ensure_owner PATH MODE USER GROUP : mode and (where possible) owner of an existing path.
install_ensure_owner() {
  local path=$1 mode=$2 user=$3 group=$4
  if [ "$(stat -c '%a' "$path" 2>/dev/null)" != "${mode#0}" ]; then
    install_change "set mode $mode on $path" chmod "$mode" "$path"
  fi
  if install_can_chown "$user" "$group"; then
    if [ "$(stat -c '%U:%G' "$path" 2>/dev/null)" != "$user:$group" ]; then
      install_change "set owner $user:$group on $path" chown "$user:$group" "$path"
    fi
  elif install_real && ! $INSTALL_DRY_RUN; then
    install_die "cannot give $path to $user:$group (run as root; does the user exist?)"
  elif [ "$(stat -c '%U:%G' "$path" 2>/dev/null)" != "$user:$group" ]; then
    install_say "note: on the real system $path is owned by $user:$group (skipped here)"
  fi
}

# install_give PATH USER GROUP : chowns where it can (see install_can_chown); install_ensure_owner notes the rest.
install_give() { if install_can_chown "$2" "$3"; then chown "$2:$3" "$1"; fi; }

# install_ensure_dir PATH MODE USER GROUP
install_ensure_dir() {
  local path=$1 mode=$2 user=$3 group=$4
  if [ ! -d "$path" ]; then
    install_change "create directory $path ($mode $user:$group)" install_make_dir "$path" "$mode" "$user" "$group"
    $INSTALL_DRY_RUN && return 0
  fi
  install_ensure_owner "$@"
}

install_make_dir() { mkdir -p "$1" && chmod "$2" "$1" && install_give "$1" "$3" "$4"; }

# install_put_file SOURCE DEST MODE USER GROUP : copies SOURCE over DEST in one rename, so a running
# program never sees a half-written file, nor a secret with the wrong owner.
install_put_file() {
  local src=$1 dest=$2 mode=$3
  cp "$src" "$dest.new.$$"
  chmod "$mode" "$dest.new.$$"
  install_give "$dest.new.$$" "$4" "$5"
  mv -f "$dest.new.$$" "$dest"
}

# install_ensure_file SOURCE DEST MODE USER GROUP POLICY
#   POLICY replace: DEST is ours (binaries, units): replaced when it differs from SOURCE.
#   POLICY keep:    DEST is the administrator's once installed (config, secrets, snippet): written
#                   only when missing, never overwritten, its mode and owner left alone.
# Returns 0 when DEST was written (or would be), 1 when it was already in place.
install_ensure_file() {
  local src=$1 dest=$2 mode=$3 user=$4 group=$5 policy=$6
  if [ ! -e "$dest" ]; then
    install_change "install $dest ($mode $user:$group)" install_put_file "$src" "$dest" "$mode" "$user" "$group"
    $INSTALL_DRY_RUN || install_ensure_owner "$dest" "$mode" "$user" "$group"
    return 0
  fi
  if [ "$policy" = keep ]; then
    cmp -s "$src" "$dest" || install_say "kept $dest (yours now; the shipped version differs)"
    return 1
  fi
  if ! cmp -s "$src" "$dest"; then
    install_change "update $dest" install_put_file "$src" "$dest" "$mode" "$user" "$group"
    $INSTALL_DRY_RUN || install_ensure_owner "$dest" "$mode" "$user" "$group"
    return 0
  fi
  install_ensure_owner "$dest" "$mode" "$user" "$group"
  return 1
}

# install_remove PATH : removes a file (or, with -r, a directory tree) that exists.
install_remove() {
  local flag=""
  if [ "$1" = -r ]; then flag=-r; shift; fi
  local path=$1
  [ -e "$path" ] || [ -L "$path" ] || return 0
  install_change "remove $path" rm -f $flag -- "$path"
}

# install_render TEMPLATE OUT : replaces the @NAME@ placeholders of the installed layout.
install_render() {
  local template=$1 out=$2
  render_template "$template" "$out" BINDIR="$BINDIR" CONFDIR="$CONFDIR" STATEDIR="$STATEDIR" RUNDIR="$RUNDIR" \
    USER="$INSTALL_USER" GROUP="$INSTALL_GROUP" NGINX_USER="$INSTALL_NGINX_USER" NGINX_GROUP="$INSTALL_NGINX_GROUP" ||
    install_die "placeholder left unrendered in $template"
}

# install_render_nginx_file SHIPPED OUT : an nginx file of this repository (the snippet, the upstreams)
# as shipped, with its sockets in RUNDIR.
install_render_nginx_file() {
  sed "s|unix:/run/ekyc/|unix:$RUNDIR/|g" "$1" >"$2"
}

# nginx's worker user: from nginx.conf's `user` line, else Debian's www-data.
install_default_nginx_user() {
  local user
  user=$(sed -n 's/^[[:space:]]*user[[:space:]]\+\([^[:space:];]\+\).*/\1/p' /etc/nginx/nginx.conf 2>/dev/null | head -n 1)
  echo "${user:-www-data}"
}
