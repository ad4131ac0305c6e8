// The wakecheck command line as a library function: a user's checker is
//
//   int main(int argc, char** argv) { return wakecheck::main(argc, argv); }
//
// linked with the user's models (or link wakecheck::main, which defines exactly
// that). `run | replay | check | list` then work on every model registered in
// that executable. Returns the exit code: 0 expectations met, 1 not met (or a
// replay diverged), 2 bad input or usage.
#pragma once

namespace wakecheck {

int main(int argc, char** argv);

}  // namespace wakecheck
