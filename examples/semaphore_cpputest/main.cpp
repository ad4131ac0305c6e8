#include <CppUTest/CommandLineTestRunner.h>

int main(int argc, char** argv) {
  // wakecheck's fibers and lazily built statics allocate once and keep it,
  // which CppUTest's new/delete leak check would report.
  MemoryLeakWarningPlugin::turnOffNewDeleteOverloads();
  return CommandLineTestRunner::RunAllTests(argc, argv);
}
