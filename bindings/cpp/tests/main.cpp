// The C++ tests: runs every group and exits non-zero when a check failed. Run it through
// bindings/c/with-emulator.sh (bindings/cpp/Makefile does).
#include <exception>
#include <iostream>

#include "check.hpp"

int main() {
    try {
        test_errors();
        test_client();
        test_operations();
        test_cancel();
    } catch (const std::exception &e) {
        // A call the tests expected to succeed threw: count it and stop.
        check::fail(__FILE__, __LINE__, std::string("unexpected exception: ") + e.what());
    }
    std::cout << check::passed << " passed, " << check::failed << " failed" << std::endl;
    return check::failed == 0 && check::passed > 0 ? 0 : 1;
}
