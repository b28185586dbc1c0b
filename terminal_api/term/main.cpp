// yika-term: the terminal simulator and load generator (cli.h). Nothing else lives here.

#include "terminal_api/term/cli.h"

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    return yika::term::runMain(std::vector<std::string>(argv + 1, argv + argc), std::cout,
                               std::cerr);
}
