// The operations listener (issue 8): probes, readiness from its checks, the exposition, and
// what it refuses.

#include "server/ops_server.h"

#include "ops/metrics/metrics.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <atomic>
#include <iterator>

namespace yika::server {
namespace {

std::pair<int, std::string> request(std::uint16_t port, const std::string& method,
                                    const std::string& path) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(req);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string body((std::istreambuf_iterator<char>(in)), {});
    return {static_cast<int>(response.getStatus()), body};
}

TEST(OpsServer, ReadinessFollowsItsChecksAndProbesAnswer) {
    std::atomic<bool> store_ok{true};
    OpsEndpoints endpoints;
    endpoints.readiness.push_back({"always", [] { return Status(Ok{}); }});
    endpoints.readiness.push_back({"store_writable", [&store_ok]() -> Status {
                                       if (store_ok.load()) return Ok{};
                                       return makeError(ErrorCode::StorageUnavailable, "disk full");
                                   }});
    endpoints.metrics.push_back(
        [](std::string& out) { metrics::writeSample(out, "yika_test_gauge", {}, 7); });
    OpsServer server(std::move(endpoints), 2);
    ASSERT_TRUE(server.start("127.0.0.1", 0).ok());
    ASSERT_NE(server.port(), 0);

    EXPECT_EQ(request(server.port(), "GET", "/healthz"), std::make_pair(200, std::string("ok\n")));
    auto ready = request(server.port(), "GET", "/readyz");
    EXPECT_EQ(ready.first, 200);
    EXPECT_EQ(ready.second, "always ok\nstore_writable ok\nready\n");
    store_ok.store(false);
    auto not_ready = request(server.port(), "GET", "/readyz");
    EXPECT_EQ(not_ready.first, 503);
    EXPECT_EQ(not_ready.second, "always ok\nstore_writable down: disk full\nnot ready\n");

    auto metrics = request(server.port(), "GET", "/metrics");
    EXPECT_EQ(metrics.first, 200);
    EXPECT_NE(metrics.second.find("# TYPE yika_requests_total counter\n"), std::string::npos);
    EXPECT_NE(metrics.second.find("\nyika_test_gauge 7\n"), std::string::npos);

    EXPECT_EQ(request(server.port(), "GET", "/admin").first, 404);
    EXPECT_EQ(request(server.port(), "POST", "/metrics").first, 405);
    server.stop();
    EXPECT_EQ(server.port(), 0);
}

TEST(OpsServer, StartFailsNamingTheAddress) {
    OpsServer server({}, 1);
    auto started = server.start("256.0.0.1", 0);
    ASSERT_FALSE(started.ok());
    EXPECT_NE(started.error().detail.find("256.0.0.1"), std::string::npos);
}

}  // namespace
}  // namespace yika::server
