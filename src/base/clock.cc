#include "base/clock.h"

namespace starling {

SystemClock& SystemClock::Instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace starling
