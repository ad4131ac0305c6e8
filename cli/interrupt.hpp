// SIGINT and SIGTERM stop a search cleanly: the first one sets a flag the
// explorer polls between executions (SearchLimits::cancel), so the run ends
// with its summary so far, an inconclusive verdict with stop reason
// "interrupted", complete artifacts and exit code 130. A second signal
// kills the process the default way.
#pragma once

#include <csignal>

namespace wakecheck {

inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

// Installs the handlers (run and check do; the direct API does not).
void install_interrupt_handlers();
// The flag the handlers set; never null.
const volatile std::sig_atomic_t* interrupt_flag();
bool interrupted();

}  // namespace wakecheck
