// Which routes stream their answer (Route::stream), as the backends' stream() look them up.
#include <string>

#include "api/routes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::api {
namespace {

using ::testing::HasSubstr;

TEST(StreamedRoute, GetDataProductStreamsUnderEitherSpelling) {
  for (const char* method : {"get_data_product", "get-data-product"}) {
    auto route = find_streamed_route("producer", method);
    ASSERT_TRUE(route.ok()) << route.status();
    EXPECT_EQ((*route)->method, "get_data_product");
  }
}

// The server streams through text_stream, the CLI and the embedded backend through stream.
TEST(StreamedRoute, EveryRouteThatStreamsJsonStreamsTextAndNoOther) {
  for (const Route& route : routes()) {
    EXPECT_EQ(static_cast<bool>(route.stream), static_cast<bool>(route.text_stream))
        << route.group << " " << route.method;
  }
}

TEST(StreamedRoute, AMethodThatAnswersWholeIsRefusedByName) {
  auto route = find_streamed_route("consumer", "get_subscription");
  ASSERT_TRUE(absl::IsInvalidArgument(route.status())) << route.status();
  EXPECT_EQ(route.status().message(), "consumer get-subscription does not stream its answer");
}

TEST(StreamedRoute, AnUnknownMethodIsNotFoundAsForFindRoute) {
  auto route = find_streamed_route("producer", "get_everything");
  ASSERT_TRUE(absl::IsNotFound(route.status())) << route.status();
  EXPECT_THAT(std::string(route.status().message()), HasSubstr("get-data-product"));
}

}  // namespace
}  // namespace datamesh::api
