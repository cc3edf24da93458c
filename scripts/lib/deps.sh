# shellcheck shell=bash
# Installs what the scripts need and nothing else. Sourced by scripts/demo and scripts/test.
#   deps_install   Debian packages (only missing ones) + the Python venv in .venv
#
# A machine that already has everything does no apt-get update and no pip call.

# Debian packages: nginx serves the site and the sandbox; the -dev packages and pkg-config are what
# the Swift package's C targets link against; curl and openssl are used by the scripts and tests;
# python3-venv holds the end-to-end tests' virtualenv; chromium and its driver are the real browser
# the browser test drives (Debian's, so nothing is downloaded at test time), and the small
# fonts-wqy-microhei lets it render the Chinese page instead of empty boxes in its screenshots.
# libfcgi-bin (cgi-fcgi), spawn-fcgi and fcgiwrap are the everyday FastCGI tools the install tests
# run the handlers under; libhiredis-dev is the C client of the Redis token store, redis-server
# the Redis the tests start on a loopback port of their own and redis-sentinel the Sentinels of
# the failover test (tests/e2e/test_failover.py). php-cli and nodejs run the README's
# link-signing and webhook-verifying snippets (docs/snippets/) in the tests, as a merchant's app
# and backend would. apache2, libapache2-mod-fcgid and apache2-suexec-pristine are the Apache the
# tests run the handlers under in the four setups of docs/OPERATIONS.md (mod_proxy_fcgi, mod_fcgid
# and CGI through suEXEC, a user's ~/public_html). strace shows the
# tests the order of the token store's system calls (each record durable before its redirect goes
# out). dpkg-dev's dpkg-source unpacks Debian's curl source for the static build
# (scripts/lib/static.sh). ca-certificates is
# the system CA store the handlers trust for Tencent's certificate: Debian's libcurl4 only
# recommends it, so a slim host without it would fail every API call. The packages' own
# services stay stopped (policy-rc.d, below).
DEPS_APT_PACKAGES=(nginx libfcgi-dev libcurl4-openssl-dev libssl-dev pkg-config curl openssl ca-certificates python3-venv
                   chromium chromium-driver fonts-wqy-microhei libfcgi-bin spawn-fcgi fcgiwrap
                   libhiredis-dev redis-server redis-sentinel php-cli nodejs apache2 libapache2-mod-fcgid apache2-suexec-pristine
                   strace dpkg-dev)

# PyPI packages for tests/e2e: Tencent's official SDK (to check the sandbox speaks the real API),
# pytest, and selenium (to drive chromium through chromium-driver).
DEPS_PY_PACKAGES=(tencentcloud-sdk-python-intl-en pytest selenium)

deps_missing_apt() {
  local pkg
  for pkg in "${DEPS_APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || echo "$pkg"
  done
}

deps_install_apt() {
  local missing
  mapfile -t missing < <(deps_missing_apt)
  ((${#missing[@]})) || return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  # A freshly installed nginx (or apache2) would be started by Debian with its default site on
  # port 80 of every address, fcgiwrap with its socket in /run, and redis-server on 6379; the scripts run
  # their own nginx, fcgiwrap and Redis on 127.0.0.1, so the packages' services stay stopped
  # (policy-rc.d, see invoke-rc.d(8)), unless the machine already has a policy.
  local policy=/usr/sbin/policy-rc.d added_policy=false status=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    added_policy=true
  fi
  "${sudo[@]}" apt-get update -qq || status=$?
  if ((status == 0)); then
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
      status=$?
  fi
  if $added_policy; then "${sudo[@]}" rm -f "$policy"; fi
  return "$status"
}

# deps_venv VENV MODULES PACKAGE... : a virtualenv at VENV on Debian's python3 (the one
# python3-venv belongs to), with PACKAGEs pip-installed unless `import MODULES` already works.
deps_venv() {
  local venv=$1 modules=$2
  shift 2
  if [ ! -x "$venv/bin/python" ]; then
    echo "Creating Python venv in $(basename "$venv")"
    /usr/bin/python3 -m venv "$venv"
  fi
  if ! "$venv/bin/python" -c "import $modules" 2>/dev/null; then
    echo "Installing into $(basename "$venv"): $*"
    "$venv/bin/pip" install -q "$@"
  fi
}

# The tests' venv lives in the repository (.venv, git-ignored).
deps_install_venv() {
  deps_venv "$1/.venv" "tencentcloud.faceid.v20180301, pytest, selenium" "${DEPS_PY_PACKAGES[@]}"
}

deps_install() {
  local root=$1
  deps_install_apt
  deps_install_venv "$root"
}
