// Endpoint URLs: every form parsed in one place (store/open/endpoint.h), with one set of
// messages for every front end, and the opening of the store a sqlite:// endpoint names.
#include "store/open/endpoint.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "support/status_matchers.h"

namespace datamesh::store {
namespace {

TEST(EndpointTest, ASqliteEndpointNamesItsFile) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, parse_endpoint("sqlite:///srv/mesh/mesh.db"));
  EXPECT_EQ(endpoint.kind, Endpoint::Kind::kSqlite);
  EXPECT_EQ(endpoint.path, "/srv/mesh/mesh.db");
  EXPECT_EQ(endpoint.display, "sqlite:///srv/mesh/mesh.db");
}

TEST(EndpointTest, APostgresEndpointNeverShowsItsPassword) {
  for (const char* url : {"postgresql://mesh:s3cret@db:5432/mesh", "postgres://mesh:s3cret@db/m"}) {
    ASSERT_OK_AND_ASSIGN(Endpoint endpoint, parse_endpoint(url));
    EXPECT_EQ(endpoint.kind, Endpoint::Kind::kPostgres) << url;
    EXPECT_EQ(endpoint.url, url);
    EXPECT_EQ(endpoint.display.find("s3cret"), std::string::npos) << endpoint.display;
    EXPECT_NE(endpoint.display.find("***"), std::string::npos) << endpoint.display;
  }
}

TEST(EndpointTest, AnHttpEndpointIsAServerNotAStore) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, parse_endpoint("http://127.0.0.1:8080"));
  EXPECT_EQ(endpoint.kind, Endpoint::Kind::kHttp);
  EXPECT_STATUS(open_store(endpoint, /*create_if_missing=*/true),
                absl::StatusCode::kInvalidArgument, "is a datamesh server, not a store");
}

TEST(EndpointTest, AnHttpsEndpointIsAServerToo) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, parse_endpoint("https://mesh.example.com"));
  EXPECT_EQ(endpoint.kind, Endpoint::Kind::kHttp);
  EXPECT_EQ(endpoint.url, "https://mesh.example.com");
  EXPECT_STATUS(open_store(endpoint, /*create_if_missing=*/true),
                absl::StatusCode::kInvalidArgument, "is a datamesh server, not a store");
}

TEST(EndpointTest, AnUnknownSchemeNamesTheFormsAllowed) {
  EXPECT_STATUS(parse_endpoint("ftp://example.com/mesh"), absl::StatusCode::kInvalidArgument,
                "unsupported endpoint \"ftp://example.com/mesh\": use sqlite:///path/to/mesh.db, "
                "http://host:port, https://host[:port], postgresql://user@host:port/database or "
                "aws://REGION (scheme \"ftp\" is not supported)");
}

TEST(EndpointTest, AnEndpointWithoutSchemeNamesTheMeshFileItMayMean) {
  EXPECT_STATUS(parse_endpoint("/srv/mesh.db"), absl::StatusCode::kInvalidArgument,
                "(no scheme:// in it; a mesh file would be sqlite:///srv/mesh.db)");
  EXPECT_STATUS(parse_endpoint("sqlite:/srv/mesh.db"), absl::StatusCode::kInvalidArgument,
                "(no scheme:// in it; a mesh file would be sqlite:///srv/mesh.db)");
  EXPECT_STATUS(parse_endpoint("mesh.db"), absl::StatusCode::kInvalidArgument,
                "(no scheme:// in it; a mesh file would be sqlite://mesh.db)");
}

TEST(EndpointTest, AnAwsEndpointNamesItsRegion) {
  for (const char* region : {"us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1",
                             "eu-isoe-west-1", "ap-southeast-5"}) {
    ASSERT_OK_AND_ASSIGN(Endpoint endpoint, parse_endpoint(std::string("aws://") + region));
    EXPECT_EQ(endpoint.kind, Endpoint::Kind::kAws) << region;
    EXPECT_EQ(endpoint.region, region);
  }
  ASSERT_OK_AND_ASSIGN(Endpoint slash, parse_endpoint("aws://eu-west-1/"));
  EXPECT_EQ(slash.region, "eu-west-1");
  EXPECT_STATUS(open_store(slash, /*create_if_missing=*/true), absl::StatusCode::kInvalidArgument,
                "endpoint aws://eu-west-1/ is AWS mode: its mesh is reached with the caller's AWS "
                "credentials");
}

TEST(EndpointTest, AnAwsEndpointWithoutARegionNameIsRefused) {
  EXPECT_STATUS(parse_endpoint("aws://"), absl::StatusCode::kInvalidArgument,
                "endpoint \"aws://\" names no region: use aws://REGION, e.g. aws://eu-west-1");
  for (const char* bad : {"aws://EU-WEST-1", "aws://eu_west_1", "aws://eu-west-", "aws://1-eu",
                          "aws://euwest1", "aws://eu--west-1", "aws://eu-west-1/x"}) {
    EXPECT_STATUS(parse_endpoint(bad), absl::StatusCode::kInvalidArgument,
                  "is not an AWS region name: use aws://REGION with a region such as us-east-1")
        << bad;
  }
}

TEST(EndpointTest, ASqliteEndpointWithoutAFileIsRefused) {
  EXPECT_STATUS(parse_endpoint("sqlite://"), absl::StatusCode::kInvalidArgument,
                "endpoint \"sqlite://\" names no file: use sqlite:///path/to/mesh.db");
}

TEST(EndpointTest, AMalformedPostgresUrlSaysWhatIsWrong) {
  EXPECT_STATUS(parse_endpoint("postgresql://h/db?pool_size=0"),
                absl::StatusCode::kInvalidArgument, "pool_size");
}

class EndpointFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("datamesh-endpoint-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  std::filesystem::path folder_;
};

TEST_F(EndpointFileTest, AMissingFileIsNotCreatedUnlessAsked) {
  const std::string url = "sqlite://" + (folder_ / "typo.db").string();
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, parse_endpoint(url));
  EXPECT_FALSE(sqlite_file_exists(endpoint));
  EXPECT_STATUS(open_store(endpoint, /*create_if_missing=*/false),
                absl::StatusCode::kFailedPrecondition,
                "no mesh at " + url +
                    ": check the endpoint, or create one with initialize_mesh_account "
                    "(`datamesh admin initialize-mesh-account`)");
  EXPECT_FALSE(std::filesystem::exists(folder_));
}

TEST_F(EndpointFileTest, ANewFileIsCreatedWithItsFolders) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint,
                       parse_endpoint("sqlite://" + (folder_ / "a" / "mesh.db").string()));
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, open_store(endpoint, true));
  EXPECT_TRUE(sqlite_file_exists(endpoint));
  EXPECT_EQ(std::filesystem::status(folder_ / "a").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
}

TEST_F(EndpointFileTest, AnEmptyFileIsNoMeshAndIsLeftEmpty) {
  std::filesystem::create_directories(folder_);
  const std::filesystem::path path = folder_ / "mesh.db";
  { std::ofstream touched(path); }
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, parse_endpoint("sqlite://" + path.string()));
  EXPECT_STATUS(open_store(endpoint, /*create_if_missing=*/false),
                absl::StatusCode::kFailedPrecondition,
                "the mesh file " + path.string() +
                    " is empty (0 bytes): it holds no mesh. If it held one, restore it from a "
                    "backup (datamesh admin backup)");
  EXPECT_EQ(std::filesystem::file_size(path), 0u) << "no schema was written into it";
  // Initializing a mesh there may use it.
  EXPECT_OK(open_store(endpoint, /*create_if_missing=*/true).status());
}

}  // namespace
}  // namespace datamesh::store
