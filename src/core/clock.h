// Clock: the one way domain code learns the current instant, so tests can fix it.
#ifndef LDN_CORE_CLOCK_H_
#define LDN_CORE_CLOCK_H_

#include <chrono>

namespace ldn {

// Interface. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::sys_seconds Now() const = 0;
};

// The system's real-time clock, truncated to seconds.
class SystemClock final : public Clock {
 public:
  std::chrono::sys_seconds Now() const override;
};

// Always returns the instant it was given. For tests and reproducible CLI output.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::chrono::sys_seconds now) : now_(now) {}
  std::chrono::sys_seconds Now() const override { return now_; }

 private:
  std::chrono::sys_seconds now_;
};

}  // namespace ldn

#endif  // LDN_CORE_CLOCK_H_
