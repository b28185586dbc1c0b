#include "tests/support/yikad_process.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace yika::testing {

CliRun runYikad(const std::string& yikad_path, const std::string& args) {
    std::string command = yikad_path + " " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return {-1, "popen failed"};
    std::string out;
    std::array<char, 4096> buf{};
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
    int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::vector<std::vector<std::string>> readCsv(const std::filesystem::path& path) {
    std::vector<std::vector<std::string>> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::istringstream s(line);
        std::string f;
        while (std::getline(s, f, ',')) fields.push_back(f);
        rows.push_back(fields);
    }
    return rows;
}

YikadProcess::YikadProcess(std::string yikad_path, std::filesystem::path data,
                           std::filesystem::path stderr_file)
    : yikad_path_(std::move(yikad_path)),
      data_(std::move(data)),
      stderr_file_(std::move(stderr_file)) {}

YikadProcess::~YikadProcess() { kill(); }

bool YikadProcess::start(const std::vector<std::string>& extra_env) {
    kill();
    pos_port_ = http_port_ = ops_port_ = portal_port_ = admin_port_ = 0;
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
        error_ = "pipe2 failed";
        return false;
    }
    std::vector<std::string> env_text;
    for (char** e = environ; *e != nullptr; ++e) env_text.emplace_back(*e);
    env_text.insert(env_text.end(), extra_env.begin(), extra_env.end());
    std::vector<char*> envp;
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string data_dir = data_.string();
    const std::string stderr_path = stderr_file_.string();
    pid_ = ::fork();
    if (pid_ < 0) {
        error_ = "fork failed";
        return false;
    }
    if (pid_ == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        int log_fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(log_fd, STDERR_FILENO);
        const char* argv[] = {"yikad",        "serve", "--data",        data_dir.c_str(),
                              "--pos-port",   "0",     "--http-port",   "0",
                              "--ops-port",   "0",     "--portal-port", "0",
                              "--admin-port", "0",     nullptr};
        ::execve(yikad_path_.c_str(), const_cast<char**>(argv), envp.data());
        ::_exit(127);
    }
    ::close(out[1]);
    FILE* banner = ::fdopen(out[0], "r");
    std::array<char, 512> line{};
    std::smatch match;
    const std::regex pos(R"(terminal port: [0-9.]+:(\d+))");
    const std::regex http(R"(JSON API: +http://[0-9.]+:(\d+))");
    const std::regex ops(R"(metrics: +http://[0-9.]+:(\d+))");
    const std::regex portal(R"(cardholder portal: +http://[0-9.]+:(\d+))");
    const std::regex admin(R"(admin API: +http://[0-9.]+:(\d+))");
    // The banner's last line is the ops listener's; reading stops there or at end of file
    // (yikad exited).
    while (std::fgets(line.data(), static_cast<int>(line.size()), banner) != nullptr) {
        std::string text(line.data());
        if (std::regex_search(text, match, pos))
            pos_port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
        if (std::regex_search(text, match, http))
            http_port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
        if (std::regex_search(text, match, portal)) {
            portal_port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
        }
        if (std::regex_search(text, match, admin)) {
            admin_port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
        }
        if (std::regex_search(text, match, ops)) {
            ops_port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
            break;
        }
    }
    std::fclose(banner);
    if (pos_port_ == 0 || ops_port_ == 0 || http_port_ == 0) {
        error_ = "yikad printed no banner; stderr:\n" + stderrText();
        kill();
        return false;
    }
    return true;
}

int YikadProcess::stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void YikadProcess::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

std::string YikadProcess::stderrText() const {
    std::ifstream in(stderr_file_);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace yika::testing
