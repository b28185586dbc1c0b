#include "server/args.h"

namespace yika::server {

Args::Args(const std::vector<std::string>& args, std::set<std::string> valued,
           std::set<std::string> flags) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (valued.count(a)) {
            if (i + 1 >= args.size()) {
                error_ = a + " needs a value";
                return;
            }
            values_[a] = args[++i];
        } else if (flags.count(a)) {
            flags_seen_.insert(a);
        } else {
            error_ = "unknown option " + a;
            return;
        }
    }
}

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

}  // namespace yika::server
