# shellcheck shell=bash
# The static build: ekyc-start and ekyc-callback as static PIE executables, for CGI and for hosts
# that lack the handlers' libraries. Sourced by scripts/build-static, scripts/test and scripts/bench.
#   static_build ROOT   builds them into ROOT/.build-static and prints the directory they are in
#
# Why: a CGI request is a new process, and a dynamically linked handler spends most of it in the
# dynamic loader (its own relocations, libcrypto's, libstdc++'s, then libcurl's 38 libraries on a
# call to the API): docs/BENCHMARKS.md, "CGI mode". A static PIE has no loader to run and keeps
# address-space randomisation. Debian ships static archives of libfcgi, OpenSSL and hiredis, but
# its libcurl.a needs static libraries Debian does not ship (Kerberos' GSS-API), so libcurl is
# built here from Debian's own source package, its security patches applied, with HTTP(S) over
# OpenSSL and nothing else. The price: a security update of OpenSSL, libcurl, libfcgi, hiredis or
# glibc reaches these binaries only when they are built again (docs/OPERATIONS.md, "The static
# build").

# How libcurl is configured for the static build.
STATIC_CURL_CONFIGURE=(
  --disable-shared --enable-static --with-pic --with-openssl
  # What the handlers use: HTTP(S) to the API, through a proxy if the environment names one.
  --disable-dict --disable-file --disable-ftp --disable-gopher --disable-imap --disable-mqtt
  --disable-pop3 --disable-rtsp --disable-smb --disable-smtp --disable-telnet --disable-tftp
  --disable-ldap --disable-ldaps --disable-manual
  # Each of these would need a static library Debian does not ship, or that the API never needs.
  --without-zlib --without-brotli --without-zstd --without-libpsl --without-libidn2 --without-nghttp2
  --without-librtmp --without-libssh2 --without-libssh --without-gssapi
)

# static_apt DIR apt-get|apt-cache ARGS... : apt with its own source list (Debian's deb-src for
# the suites this machine uses) and its own state under DIR; the machine's apt is not touched.
static_apt() {
  local dir=$1 command=$2
  shift 2
  "$command" -q -o Dir::Etc::SourceList="$dir/none.list" -o Dir::Etc::SourceParts="$dir/parts" \
    -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" -o APT::Sandbox::User=root "$@"
}

# static_curl CACHE : builds libcurl.a in CACHE (once per version of Debian's source) and prints
# the directory of the built source tree.
static_curl() {
  local cache=$1 apt=$1/apt
  mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial"
  : >"$apt/none.list"
  local sources
  for sources in /etc/apt/sources.list.d/*.sources; do
    [ -e "$sources" ] && sed 's/^Types: deb$/Types: deb-src/' "$sources"
    echo
  done >"$apt/parts/debian-src.sources"
  if [ ! -s "$apt/parts/debian-src.sources" ] && [ -e /etc/apt/sources.list ]; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$apt/parts/debian-src.list"
  fi
  static_apt "$apt" apt-get update -qq >&2 ||
    { echo "static build: cannot read Debian's source index (apt-get update with deb-src failed)" >&2; return 1; }
  local version
  version=$(static_apt "$apt" apt-cache showsrc curl 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n 1)
  [ -n "$version" ] || { echo "static build: Debian's source index has no curl" >&2; return 1; }
  local dir=$cache/curl-$version
  if [ ! -e "$dir/lib/.libs/libcurl.a" ]; then
    echo "static build: libcurl $version from Debian's source package, HTTP(S) over OpenSSL only" >&2
    rm -rf "$dir" "$cache/src"
    mkdir -p "$cache/src"
    (cd "$cache/src" && static_apt "$apt" apt-get source -qq --download-only "curl=$version" >&2) ||
      { echo "static build: cannot download Debian's curl source $version" >&2; return 1; }
    # apt-get checked the files against the hashes of Debian's signed source index; dpkg-source
    # checks them again and applies Debian's patches (its security fixes among them). It also
    # warns that it cannot check the uploader's own signature (that needs debian-keyring): the
    # warning stays in its log.
    dpkg-source -x "$cache/src/curl_$version.dsc" "$dir" >"$cache/dpkg-source.log" 2>&1 ||
      { cat "$cache/dpkg-source.log" >&2; echo "static build: dpkg-source could not unpack curl $version" >&2; return 1; }
    # Debian's patches also touch configure.ac and Makefile.am, for flavours not built here; curl's
    # Makefiles regenerate nothing outside maintainer mode, so the shipped configure is used.
    (cd "$dir" && ./configure -q "${STATIC_CURL_CONFIGURE[@]}" >"$cache/configure.log" 2>&1 &&
      make -s -j"$(nproc)" -C lib >"$cache/make.log" 2>&1) ||
      { echo "static build: building curl $version failed; see $cache/configure.log and $cache/make.log" >&2; return 1; }
  fi
  echo "$dir"
}

# static_build ROOT : builds ekyc-start and ekyc-callback into ROOT/.build-static (release) and
# prints the directory that holds them.
static_build() {
  local root=$1 curl
  curl=$(static_curl "$root/.build-static-deps") || return 1
  local flags=(
    -c release --scratch-path .build-static --static-swift-stdlib
    # A static PIE must have no RUNPATH (glibc's start-up code asserts so), and Swift's default
    # linker, gold, cannot link one: lld, which comes with the toolchain, can.
    --disable-local-rpath -Xswiftc -static-executable -Xswiftc -use-ld=lld
    -Xswiftc -Xclang-linker -Xswiftc -static-pie
    # Relative relocations packed (RELR, glibc 2.36): 14 KB for the 1.4 MB of RELA entries the
    # start-up code would read.
    -Xlinker -z -Xlinker pack-relative-relocs
    # Generic types' metadata through their accessors, not looked up by mangled name at run time:
    # each first lookup demangles the name and scans every protocol conformance in the binary,
    # which was two fifths of a CGI callback's instructions (docs/BENCHMARKS.md, "CGI mode").
    -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
    # What a CGI request touches laid out first (scripts/static-order makes the list), each
    # function in a section of its own so that the linker can move it.
    -Xswiftc -Xfrontend -Xswiftc -function-sections
    -Xlinker "--symbol-ordering-file=$root/scripts/lib/static-symbol-order.txt" -Xlinker --no-warn-symbol-ordering
    -Xcc -DEKYC_CURL_STATIC -Xcc "-I$curl/include"
    -Xlinker "$curl/lib/.libs/libcurl.a" -Xlinker -lssl -Xlinker -lcrypto
  )
  local product log=$root/.build-static-deps/swift-build.log status bin input
  # swift build tracks neither the order file nor the system's static archives: a binary older
  # than one of them is linked again, so that a build after a Debian security update of
  # OpenSSL, libfcgi, hiredis or glibc links the updated code.
  local inputs=("$root/scripts/lib/static-symbol-order.txt")
  for input in libssl.a libcrypto.a libfcgi.a libhiredis.a libc.a; do inputs+=("$(cc -print-file-name="$input")"); done
  bin=$(cd "$root" && swift build "${flags[@]}" --show-bin-path)
  for product in ekyc-start ekyc-callback; do
    for input in "${inputs[@]}"; do
      if [ "$input" -nt "$bin/$product" ]; then rm -f "$bin/$product"; fi
    done
  done
  for product in ekyc-start ekyc-callback; do
    status=0
    (cd "$root" && swift build "${flags[@]}" --product "$product") >"$log" 2>&1 || status=$?
    # The linker warns that getaddrinfo, getpwnam and dlopen in a static executable need glibc's
    # shared libraries at run time: the handlers use them only for what glibc has built in (names
    # from /etc/hosts and DNS, users from /etc/passwd) and load nothing with dlopen.
    grep -v "statically linked applications requires at runtime" "$log" >&2 || true
    ((status == 0)) || { echo "static build: swift build --product $product failed" >&2; return 1; }
  done
  for product in ekyc-start ekyc-callback; do
    static_check "$bin/$product" || return 1
  done
  echo "$bin"
}

# static_check EXE : fails unless EXE is a static PIE (no program interpreter, no shared library).
static_check() {
  local exe=$1
  [ -x "$exe" ] || { echo "static build: $exe was not built" >&2; return 1; }
  if readelf -lW "$exe" | grep -q INTERP || readelf -dW "$exe" | grep -q NEEDED; then
    echo "static build: $exe is dynamically linked" >&2
    return 1
  fi
  readelf -hW "$exe" | grep -q 'DYN (' || { echo "static build: $exe is not position-independent" >&2; return 1; }
}
