# Every third-party library comes from a Debian bookworm package (scripts/install-deps.sh).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# Boost 1.81: Asio and Beast are header-only and compiled once in src/http/asio_impl.cc
# (separate compilation); JSON and URL are compiled libraries.
set(Boost_NO_WARN_NEW_VERSIONS ON)
find_package(Boost 1.81 EXACT REQUIRED COMPONENTS json url)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(simdjson REQUIRED)
if(STARLING_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(STARLING_BUILD_BENCH)
  find_package(benchmark REQUIRED)  # Google Benchmark, for the *_bench.cc programs
endif()

# Asio/Beast separate compilation: every target that may include their headers gets these.
add_library(starling_asio_defs INTERFACE)
target_compile_definitions(starling_asio_defs INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION
  BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED
  BOOST_BEAST_USE_STD_STRING_VIEW)
target_link_libraries(starling_asio_defs INTERFACE Boost::headers Threads::Threads)

# jemalloc: the server's allocator (linked into the starling binary only). Ingestion allocates on the
# I/O threads and frees on the committer thread; glibc malloc pays for that in arena locks and
# consolidation: measured with bench/ingest, jemalloc cut the server's CPU per batched event by 10-25 %
# and per one-event request by about 7 % (docs/performance.md).
pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)

# libsodium: Argon2id password hashing, random tokens, SHA-256 (base/crypto.h).
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
