#pragma once

// YIKA_ASSERT: programmer errors only (broken preconditions, invariants). Always on, also in
// release builds, because a money system that continues past a broken invariant corrupts the
// books. Never assert on anything that came from the network, a file or a user: those are
// Result errors (see result.h).

#include <cstdio>
#include <cstdlib>

namespace yika::detail {
[[noreturn]] inline void assertFailed(const char* expr, const char* file, int line) {
    std::fprintf(stderr, "yika: assertion failed: %s at %s:%d\n", expr, file, line);
    std::abort();
}
}  // namespace yika::detail

#define YIKA_ASSERT(cond)                                                     \
    do {                                                                      \
        if (!(cond)) ::yika::detail::assertFailed(#cond, __FILE__, __LINE__); \
    } while (false)
