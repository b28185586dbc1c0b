// yikad: nothing else lives here; see server/cli.cpp.
#include "server/cli.h"

int main(int argc, char** argv) { return yika::server::runCli(argc, argv); }
