// The executable's main: the whole command line is wakecheck::main. Linked
// with the built-in models this is build/wakecheck; linked with a user's
// models (as wakecheck::main) it is the user's own checker.
#include "cli/main.hpp"

int main(int argc, char** argv) {
  return wakecheck::main(argc, argv);
}
