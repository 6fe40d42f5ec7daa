// The version of this build, from the project() version in CMakeLists.txt.
#pragma once

namespace starling {
inline constexpr const char* kStarlingVersion = STARLING_VERSION;
}  // namespace starling
