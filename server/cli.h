#pragma once

namespace yika::server {

// Dispatches `yikad <command> [options]`; returns the exit code.
int runCli(int argc, char** argv);

}  // namespace yika::server
