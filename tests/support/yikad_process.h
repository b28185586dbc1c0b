#pragma once

// Test support for end-to-end tests that drive the real yikad binary: run a subcommand, read
// the demo CSV files, and run `yikad serve` as a child process on ephemeral ports (its banner
// gives the ports), to stop it with SIGTERM or kill it with SIGKILL.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace yika::testing {

struct CliRun {
    int exit_code = -1;  // -1: did not exit normally
    std::string output;  // stdout and stderr together
};

// `yikad ARGS` through the shell (ARGS may hold environment assignments before nothing else).
CliRun runYikad(const std::string& yikad_path, const std::string& args);

// The rows of a comma-separated file without quoting (the demo files).
std::vector<std::vector<std::string>> readCsv(const std::filesystem::path& path);

// `yikad serve --data DIR` on ephemeral ports, stdout read for the banner, stderr to a file.
class YikadProcess {
  public:
    YikadProcess(std::string yikad_path, std::filesystem::path data,
                 std::filesystem::path stderr_file);
    ~YikadProcess();  // SIGKILL if still running
    YikadProcess(const YikadProcess&) = delete;
    YikadProcess& operator=(const YikadProcess&) = delete;

    // Starts the server with `extra_env` ("NAME=value") added to this process's environment and
    // waits for its banner. False (with the reason in error()) if it exits or prints no ports.
    bool start(const std::vector<std::string>& extra_env = {});
    // SIGTERM and the exit status (-1 if killed by a signal).
    int stop();
    // SIGKILL and reap.
    void kill();
    bool running() const { return pid_ > 0; }

    std::uint16_t posPort() const { return pos_port_; }
    std::uint16_t httpPort() const { return http_port_; }
    std::uint16_t opsPort() const { return ops_port_; }
    std::uint16_t portalPort() const { return portal_port_; }
    // The admin API's port (0 when admin.enabled = false).
    std::uint16_t adminPort() const { return admin_port_; }
    const std::string& error() const { return error_; }
    std::string stderrText() const;

  private:
    std::string yikad_path_;
    std::filesystem::path data_;
    std::filesystem::path stderr_file_;
    pid_t pid_ = -1;
    std::uint16_t pos_port_ = 0;
    std::uint16_t http_port_ = 0;
    std::uint16_t ops_port_ = 0;
    std::uint16_t portal_port_ = 0;
    std::uint16_t admin_port_ = 0;
    std::string error_;
};

}  // namespace yika::testing
