#pragma once

// A minimal "--name value" / "--flag" parser for yikad's subcommands. Unknown options are
// errors, so a typo never silently falls back to a default.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace yika::server {

class Args {
  public:
    // `valued`: options that take a value; `flags`: options that do not.
    Args(const std::vector<std::string>& args, std::set<std::string> valued,
         std::set<std::string> flags);
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    std::optional<std::string> value(const std::string& name) const;
    bool flag(const std::string& name) const { return flags_seen_.count(name) > 0; }

  private:
    std::map<std::string, std::string> values_;
    std::set<std::string> flags_seen_;
    std::string error_;
};

}  // namespace yika::server
