// The one test binary. CppUTest's new/delete leak detector is off: boost
// fibers, pooled stacks and lazily built statics (fmt, toml++) allocate once
// and keep it, which it would report as leaks; ASan is the leak check.
#include <CppUTest/CommandLineTestRunner.h>
#include <CppUTest/TestRegistry.h>

int main(int argc, char** argv) {
  MemoryLeakWarningPlugin::turnOffNewDeleteOverloads();
  return CommandLineTestRunner::RunAllTests(argc, argv);
}
