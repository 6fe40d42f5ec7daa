// Compiles Boost.Asio and Boost.Beast once for the whole program (separate compilation): every other
// file sees only declarations (BOOST_ASIO_SEPARATE_COMPILATION, BOOST_BEAST_SEPARATE_COMPILATION), so
// touching one .cc file does not recompile the networking library.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
