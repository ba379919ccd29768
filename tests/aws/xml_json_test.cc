// XML answers read into JSON (aws/xml_json.h).
#include "aws/xml_json.h"

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

}  // namespace
}  // namespace datamesh::aws
