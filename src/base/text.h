// Small text helpers shared by the modules (ASCII only: identifiers, emails, header values).
#pragma once

#include <string>
#include <string_view>

namespace starling {

// Without leading and trailing white space (space, tab, CR, LF, FF, VT).
std::string_view Trim(std::string_view text);
// ASCII lower case; other bytes unchanged.
std::string AsciiLower(std::string_view text);
// The authority of a URL ("fcm.googleapis.com" for "https://fcm.googleapis.com/fcm/send/…"): what
// follows "scheme://" up to the path, query or fragment. The text up to the first "/?#" when there is
// no scheme.
std::string_view UrlAuthority(std::string_view url);

}  // namespace starling
