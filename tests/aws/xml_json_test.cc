// XML answers read into JSON (aws/xml_json.h).
#include "aws/xml_json.h"

#include <string>

#include "gtest/gtest.h"
#include "support/status_matchers.h"

namespace datamesh::aws {
namespace {

TEST(XmlJsonTest, MemberListsBecomeArraysAndLeavesStrings) {
  ASSERT_OK_AND_ASSIGN(
      nlohmann::json json,
      xml_to_json("<R xmlns=\"x\"><Roles><member><Name>a</Name><Max>3600</Max></member>"
                  "<member><Name>b</Name><Max>60</Max></member></Roles>"
                  "<IsTruncated>true</IsTruncated><Empty/></R>"));
  EXPECT_EQ(json, nlohmann::json::parse(R"({"R":{"Roles":[{"Name":"a","Max":"3600"},)"
                                        R"({"Name":"b","Max":"60"}],"IsTruncated":"true",)"
                                        R"("Empty":""}})"));
}

TEST(XmlJsonTest, RepeatedNamesCollectIntoAnArray) {
  ASSERT_OK_AND_ASSIGN(nlohmann::json json,
                       xml_to_json("<L><Bucket><N>a</N></Bucket><Bucket><N>b</N></Bucket>"
                                   "<One><N>c</N></One></L>"));
  EXPECT_EQ(json["L"]["Bucket"], nlohmann::json::parse(R"([{"N":"a"},{"N":"b"}])"));
  EXPECT_EQ(json["L"]["One"], nlohmann::json::parse(R"({"N":"c"})"));
}

TEST(XmlJsonTest, EntitiesAreDecoded) {
  ASSERT_OK_AND_ASSIGN(nlohmann::json json, xml_to_json("<a><b>x &amp; y &lt;z&gt;</b></a>"));
  EXPECT_EQ(json["a"]["b"], "x & y <z>");
}

TEST(XmlJsonTest, RejectsMalformedXml) {
  EXPECT_STATUS(xml_to_json("<a><b></a>"), absl::StatusCode::kInvalidArgument,
                "not well-formed XML");
}

TEST(XmlJsonTest, RefusesDocumentsNestedDeeperThan64Levels) {
  const auto nested = [](int levels) {
    std::string xml;
    for (int i = 0; i < levels; ++i) xml += "<a>";
    xml += "x";
    for (int i = 0; i < levels; ++i) xml += "</a>";
    return xml;
  };
  EXPECT_OK(xml_to_json(nested(64)));
  EXPECT_STATUS(xml_to_json(nested(65)), absl::StatusCode::kInvalidArgument,
                "deeper than 64 levels");
  EXPECT_STATUS(xml_to_json(nested(100000)), absl::StatusCode::kInvalidArgument,
                "deeper than 64 levels");
}

}  // namespace
}  // namespace datamesh::aws
