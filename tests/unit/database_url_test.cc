// The PostgreSQL store URL: datamesh's own parameters taken out before libpq sees it, and the
// password never shown. (Named DatabaseUrl…: suites named Postgres… need a running server.)
#include "store/postgres/url.h"

#include <gtest/gtest.h>

#include "support/status_matchers.h"

namespace datamesh::store::postgres {
namespace {

TEST(DatabaseUrlTest, BothSchemesArePostgresAndOthersAreNot) {
  EXPECT_TRUE(is_postgres_url("postgresql://u@h:5432/db"));
  EXPECT_TRUE(is_postgres_url("postgres://u@h/db"));
  EXPECT_FALSE(is_postgres_url("sqlite:///tmp/mesh.db"));
  EXPECT_FALSE(is_postgres_url("http://127.0.0.1:8080"));
  auto parsed = parse_postgres_url("mysql://u@h/db");
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << parsed.status();
}

TEST(DatabaseUrlTest, AUrlWithoutParametersGoesToLibpqUnchanged) {
  auto parsed = parse_postgres_url("postgresql://mesh@db.internal:5432/datamesh");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->conninfo, "postgresql://mesh@db.internal:5432/datamesh");
  EXPECT_EQ(parsed->display, "postgresql://mesh@db.internal:5432/datamesh");
  EXPECT_EQ(parsed->pool_size, 0);
}

TEST(DatabaseUrlTest, PoolSizeIsTakenOutAndTheOtherParametersKept) {
  auto parsed = parse_postgres_url(
      "postgresql://mesh@h/db?sslmode=require&pool_size=24&options=-csearch_path%3Dmesh");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->pool_size, 24);
  EXPECT_EQ(parsed->conninfo,
            "postgresql://mesh@h/db?sslmode=require&options=-csearch_path%3Dmesh");
  auto only = parse_postgres_url("postgresql://mesh@h/db?pool_size=2");
  ASSERT_TRUE(only.ok()) << only.status();
  EXPECT_EQ(only->conninfo, "postgresql://mesh@h/db");
}

TEST(DatabaseUrlTest, AMalformedPoolSizeIsInvalidArgumentNamingIt) {
  for (const char* value : {"0", "-1", "x", "12x", "1001", ""}) {
    auto parsed = parse_postgres_url(std::string("postgresql://h/db?pool_size=") + value);
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << value << ": " << parsed.status();
    EXPECT_NE(std::string(parsed.status().message()).find("pool_size="), std::string::npos);
  }
}

TEST(DatabaseUrlTest, AParameterLibpqDoesNotKnowIsInvalidArgumentNamingIt) {
  auto parsed = parse_postgres_url("postgresql://mesh:secret@h/db?pool_sise=4");
  EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << parsed.status();
  const std::string message(parsed.status().message());
  EXPECT_NE(message.find("postgresql://mesh:***@h/db?pool_sise=4 is not a store URL libpq "
                         "accepts: invalid URI query parameter: \"pool_sise\""),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  // A URL libpq cannot read at all is quoted without its password.
  auto malformed = parse_postgres_url("postgresql://mesh:secret@[h/db");
  EXPECT_TRUE(absl::IsInvalidArgument(malformed.status())) << malformed.status();
  EXPECT_EQ(std::string(malformed.status().message()).find("secret"), std::string::npos)
      << malformed.status();
  EXPECT_OK(parse_postgres_url("postgresql://h/db?sslmode=disable&connect_timeout=3"));
}

TEST(DatabaseUrlTest, PasswordsAreNeverDisplayed) {
  auto parsed = parse_postgres_url("postgresql://mesh:s3cret@h:5432/db?password=other&connect_timeout=1");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->display, "postgresql://mesh:***@h:5432/db?password=***&connect_timeout=1");
  EXPECT_EQ(parsed->conninfo, "postgresql://mesh:s3cret@h:5432/db?password=other&connect_timeout=1");
  auto invalid = parse_postgres_url("postgresql://mesh:s3cret@h/db?pool_size=bad");
  EXPECT_EQ(std::string(invalid.status().message()).find("s3cret"), std::string::npos)
      << invalid.status();
}

}  // namespace
}  // namespace datamesh::store::postgres
