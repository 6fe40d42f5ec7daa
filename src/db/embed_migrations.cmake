# Writes a C++ file holding every src/db/migrations/NNNN_<name>.sql as a raw string literal, so the binary
# carries its schema and never reads the source tree at run time.
#
#   cmake -DMIGRATIONS_DIR=<dir> -DOUTPUT=<file.cc> -P embed_migrations.cmake
#
# Fails the build when a file name does not follow NNNN_<lower_snake_name>.sql or two files share a number.
cmake_minimum_required(VERSION 3.25)

get_filename_component(MIGRATIONS_DIR "${MIGRATIONS_DIR}" ABSOLUTE)
if(NOT IS_DIRECTORY "${MIGRATIONS_DIR}")
  message(FATAL_ERROR "migrations directory `${MIGRATIONS_DIR}` does not exist")
endif()

file(GLOB files RELATIVE "${MIGRATIONS_DIR}" "${MIGRATIONS_DIR}/*.sql")
list(SORT files)  # four-digit numbers: text order is version order

set(delimiter "starling_sql")
set(entries "")
set(seen "")
foreach(file IN LISTS files)
  if(NOT file MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "migration file `${file}` in ${MIGRATIONS_DIR}: name it "
      "NNNN_<lower_snake_name>.sql, e.g. 0002_contacts.sql")
  endif()
  set(name "${CMAKE_MATCH_2}")
  string(REGEX REPLACE "^0+" "" version "${CMAKE_MATCH_1}")
  if(version STREQUAL "")
    message(FATAL_ERROR "migration file `${file}`: versions start at 0001")
  endif()
  if(version IN_LIST seen)
    message(FATAL_ERROR "migration file `${file}`: another file already uses version ${version}")
  endif()
  list(APPEND seen "${version}")
  file(READ "${MIGRATIONS_DIR}/${file}" sql)
  string(FIND "${sql}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "migration file `${file}` contains `)${delimiter}\"`, which ends the raw "
      "string it is embedded in")
  endif()
  string(APPEND entries
    "    {${version}, \"${name}\", \"${file}\",\n     R\"${delimiter}(${sql})${delimiter}\"},\n")
endforeach()

if(entries STREQUAL "")
  set(body "std::span<const Migration> BuiltinMigrations() { return {}; }\n")
else()
  string(CONCAT body "namespace {\nconstexpr Migration kMigrations[] = {\n${entries}};\n}  // namespace\n\n"
    "std::span<const Migration> BuiltinMigrations() { return kMigrations; }\n")
endif()

string(CONCAT content "// Generated from src/db/migrations/*.sql by src/db/embed_migrations.cmake. Do not edit.\n"
  "#include \"db/migrations.h\"\n\nnamespace starling::db {\n\n${body}\n}  // namespace starling::db\n")
file(WRITE "${OUTPUT}.tmp" "${content}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
