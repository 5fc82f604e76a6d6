# Every dependency comes from a Debian 12 package; nothing is downloaded at build time.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis>=0.14)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# The durable session tier (PostgreSQL): Debian's libpq-dev.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto SSL)
find_package(simdjson CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
