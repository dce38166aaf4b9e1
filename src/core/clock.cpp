#include "core/clock.h"

namespace ldn {

std::chrono::sys_seconds SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace ldn
