// An executable built with wakecheck::main and no model at all
// (tests/CMakeLists.txt: registry_no_models). The main is the library's.
