# shellcheck shell=bash
# What scripts/bench needs beyond scripts/lib/deps.sh. Sourced by scripts/bench.
#   bench_deps_install   the Debian packages below, only the missing ones
#
# wrk is the load, hyperfine times the CGI runs, the echo module gives the stub its 200 ms
# (echo_sleep), gcc and libfcgi-dev build the C "hello" CGI and limit-group, perf and valgrind
# profile; php-fpm and php-curl run the PHP peer.
#   bench_deps_install_venv ROOT   ROOT/.venv-bench: gunicorn and Tencent's Python SDK, the
#                                  Python peer (a venv of its own, so the tests' .venv stays as is)

# shellcheck source=scripts/lib/deps.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"

BENCH_APT_PACKAGES=(nginx libnginx-mod-http-echo libfcgi-dev libcurl4-openssl-dev libssl-dev pkg-config
  curl openssl gcc wrk hyperfine linux-perf valgrind php-fpm php-curl python3-venv)
# gunicorn 27 or later for --no-control-socket (else each instance opens one in ~/.gunicorn).
BENCH_PY_PACKAGES=('gunicorn>=27' tencentcloud-sdk-python-intl-en)

bench_deps_install() {
  # deps_install_apt installs what is missing from DEPS_APT_PACKAGES; here, the bench's list.
  # shellcheck disable=SC2034  # read by deps_missing_apt
  local DEPS_APT_PACKAGES=("${BENCH_APT_PACKAGES[@]}")
  deps_install_apt
}

bench_deps_install_venv() {
  deps_venv "$1/.venv-bench" "gunicorn, tencentcloud.faceid.v20180301" "${BENCH_PY_PACKAGES[@]}"
}
