// Small text helpers shared by the modules (ASCII only: identifiers, emails, header values).
#pragma once

#include <string>
#include <string_view>

namespace starling {

// Without leading and trailing white space (space, tab, CR, LF, FF, VT).
std::string_view Trim(std::string_view text);
// ASCII lower case; other bytes unchanged.
std::string AsciiLower(std::string_view text);

}  // namespace starling
