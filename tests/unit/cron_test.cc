#include "core/cron.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datamesh::core {
namespace {

using ::testing::HasSubstr;

std::string message_of(const char* expression) {
  const absl::Status status = validate_glue_cron("schedule", expression);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << expression;
  return std::string(status.message());
}

class AcceptedCron : public ::testing::TestWithParam<const char*> {};

TEST_P(AcceptedCron, IsValid) {
  const absl::Status status = validate_glue_cron("schedule", GetParam());
  EXPECT_TRUE(status.ok()) << status;
}

INSTANTIATE_TEST_SUITE_P(
    GlueExamplesAndEveryFeature, AcceptedCron,
    ::testing::Values(
        // From the Glue and EventBridge documentation.
        "cron(0 */4 * * ? *)", "cron(15 12 * * ? *)", "cron(0 18 ? * MON-FRI *)",
        "cron(0 8 1 * ? *)", "cron(0/15 * * * ? *)", "cron(0/10 * ? * MON-FRI *)",
        "cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)", "cron(0 10 * * ? 2024)",
        // Bounds of each field.
        "cron(59 23 31 12 ? 2199)", "cron(0 0 1 1 ? 1970)", "cron(0 0 ? 1 7 *)",
        "cron(0 0 ? 1 1 *)",
        // Lists, ranges and steps.
        "cron(0,15,30,45 * * * ? *)", "cron(10-20/2 * * * ? *)", "cron(* * * * ? *)",
        "cron(*/59 */24 */31 */12 ? */230)", "cron(0 0 1-15/7 * ? *)",
        "cron(0 0 * JAN,MAR-MAY,DEC ? 2024-2030/2)", "cron(0 0 ? * SUN,TUE-THU,SAT *)",
        "cron(0 0 * 1/3 ? *)",
        // Names in any case, as Quartz reads them.
        "cron(0 0 ? jan mon *)",
        // L, W and #.
        "cron(0 0 L * ? *)", "cron(0 0 LW * ? *)", "cron(0 0 15W * ? *)", "cron(0 0 1W * ? *)",
        "cron(0 0 31W * ? *)", "cron(0 0 ? * L *)", "cron(0 0 ? * 6L *)", "cron(0 0 ? * FRIL *)",
        "cron(0 0 ? * 3#2 *)", "cron(0 0 ? * MON#5 *)",
        // Runs of spaces and tabs between fields.
        "cron(0  12\t* * ?   *)"));

TEST(ValidateGlueCron, RequiresTheCronWrapper) {
  const std::string form = "use cron(Minutes Hours Day-of-month Month Day-of-week Year)";
  EXPECT_THAT(message_of("0 12 * * ? *"), HasSubstr(form));
  EXPECT_THAT(message_of("cron(0 12 * * ? *"), HasSubstr(form));
  EXPECT_THAT(message_of("CRON(0 12 * * ? *)"), HasSubstr(form));
  EXPECT_THAT(message_of(""), HasSubstr(form));
  EXPECT_THAT(message_of("cron()"), HasSubstr("it has 0 fields"));
}

TEST(ValidateGlueCron, RejectsRateExpressions) {
  EXPECT_EQ(message_of("rate(5 minutes)"),
            "invalid schedule \"rate(5 minutes)\": rate() schedules are not supported; use "
            "cron(Minutes Hours Day-of-month Month Day-of-week Year), e.g. cron(0 */4 * * ? *)");
}

TEST(ValidateGlueCron, RequiresExactlySixFields) {
  EXPECT_THAT(message_of("cron(0 12 * * ?)"), HasSubstr("it has 5 fields"));
  EXPECT_THAT(message_of("cron(0 0 12 * * ? *)"), HasSubstr("it has 7 fields"));
}

TEST(ValidateGlueCron, NamesTheFieldThatIsOutOfRange) {
  EXPECT_EQ(message_of("cron(0 25 * * ? *)"),
            "invalid schedule \"cron(0 25 * * ? *)\": hours field \"25\" is out of range 0-23");
  EXPECT_THAT(message_of("cron(60 * * * ? *)"),
              HasSubstr("minutes field \"60\" is out of range 0-59"));
  EXPECT_THAT(message_of("cron(0 0 0 * ? *)"),
              HasSubstr("day-of-month field \"0\" is out of range 1-31"));
  EXPECT_THAT(message_of("cron(0 0 32 * ? *)"),
              HasSubstr("day-of-month field \"32\" is out of range 1-31"));
  EXPECT_THAT(message_of("cron(0 0 * 13 ? *)"),
              HasSubstr("month field \"13\" is out of range 1-12"));
  EXPECT_THAT(message_of("cron(0 0 ? * 0 *)"),
              HasSubstr("day-of-week field \"0\" is out of range 1-7"));
  EXPECT_THAT(message_of("cron(0 0 ? * 8 *)"),
              HasSubstr("day-of-week field \"8\" is out of range 1-7"));
  EXPECT_THAT(message_of("cron(0 0 * * ? 1969)"),
              HasSubstr("year field \"1969\" is out of range 1970-2199"));
  EXPECT_THAT(message_of("cron(0 0 * * ? 2200)"),
              HasSubstr("year field \"2200\" is out of range 1970-2199"));
  EXPECT_THAT(message_of("cron(0 0 * * ? 99999999999999999999)"),
              HasSubstr("year field \"99999999999999999999\" is out of range 1970-2199"));
}

TEST(ValidateGlueCron, PointsAtTheBadValueInsideAListOrRange) {
  EXPECT_THAT(message_of("cron(0 1,25 * * ? *)"),
              HasSubstr("hours field \"1,25\": 25 is out of range 0-23"));
  EXPECT_THAT(message_of("cron(0 20-24 * * ? *)"),
              HasSubstr("hours field \"20-24\": 24 is out of range 0-23"));
  EXPECT_THAT(message_of("cron(0 0 40W * ? *)"),
              HasSubstr("day-of-month field \"40W\": 40 is out of range 1-31"));
  EXPECT_THAT(message_of("cron(0 0 ? * 9L *)"),
              HasSubstr("day-of-week field \"9L\": 9 is out of range 1-7"));
  EXPECT_THAT(message_of("cron(0 0 ? * 8#2 *)"),
              HasSubstr("day-of-week field \"8#2\": 8 is out of range 1-7"));
}

TEST(ValidateGlueCron, RejectsBackwardRanges) {
  EXPECT_THAT(message_of("cron(0 20-10 * * ? *)"),
              HasSubstr("hours field \"20-10\": range 20-10 runs backwards"));
  EXPECT_THAT(message_of("cron(0 0 ? * FRI-MON *)"),
              HasSubstr("day-of-week field \"FRI-MON\": range FRI-MON runs backwards"));
}

TEST(ValidateGlueCron, ChecksSteps) {
  EXPECT_THAT(message_of("cron(*/0 * * * ? *)"),
              HasSubstr("minutes field \"*/0\": step 0 must be 1 to 60"));
  EXPECT_THAT(message_of("cron(0 */25 * * ? *)"),
              HasSubstr("hours field \"*/25\": step 25 must be 1 to 24"));
  EXPECT_THAT(message_of("cron(0 0 * */13 ? *)"),
              HasSubstr("month field \"*/13\": step 13 must be 1 to 12"));
  EXPECT_THAT(message_of("cron(*/x * * * ? *)"), HasSubstr("minutes field \"*/x\" is not valid"));
  EXPECT_THAT(message_of("cron(*/ * * * ? *)"), HasSubstr("minutes field \"*/\" is not valid"));
  EXPECT_THAT(message_of("cron(/5 * * * ? *)"), HasSubstr("minutes field \"/5\" is not valid"));
}

TEST(ValidateGlueCron, AllowsNoStepsInDayOfWeek) {
  EXPECT_THAT(message_of("cron(0 0 ? * */2 *)"),
              HasSubstr("day-of-week field \"*/2\": steps ('/') are not allowed in day-of-week"));
}

TEST(ValidateGlueCron, AllowsQuestionMarkOnlyInTheDayFields) {
  EXPECT_THAT(message_of("cron(? 0 * * ? *)"),
              HasSubstr("minutes field \"?\" is not valid: '?' is only for day-of-month or "
                        "day-of-week"));
  EXPECT_THAT(message_of("cron(0 0 * ? ? *)"), HasSubstr("month field \"?\""));
  EXPECT_THAT(message_of("cron(0 0 * * ? ?)"), HasSubstr("year field \"?\""));
}

TEST(ValidateGlueCron, RequiresExactlyOneOfTheDayFieldsToBeQuestionMark) {
  EXPECT_THAT(message_of("cron(0 0 * * * *)"),
              HasSubstr("one of day-of-month and day-of-week must be '?'"));
  EXPECT_THAT(message_of("cron(0 0 1 * MON *)"),
              HasSubstr("one of day-of-month and day-of-week must be '?'"));
  EXPECT_THAT(message_of("cron(0 0 ? * ? *)"),
              HasSubstr("day-of-month and day-of-week cannot both be '?'"));
}

TEST(ValidateGlueCron, KeepsNamesToTheirOwnField) {
  EXPECT_THAT(message_of("cron(0 0 ? MON * *)"), HasSubstr("month field \"MON\" is not valid; "
                                                           "use 1-12 or JAN-DEC"));
  EXPECT_THAT(message_of("cron(0 0 ? * JAN *)"), HasSubstr("day-of-week field \"JAN\" is not "
                                                           "valid; use 1-7 or SUN-SAT"));
  EXPECT_THAT(message_of("cron(JAN 0 * * ? *)"), HasSubstr("minutes field \"JAN\" is not valid"));
  EXPECT_THAT(message_of("cron(0 0 ? * MONDAY *)"), HasSubstr("day-of-week field \"MONDAY\""));
}

TEST(ValidateGlueCron, KeepsLWAndHashToTheirFieldsAndForms) {
  EXPECT_THAT(message_of("cron(L 0 * * ? *)"), HasSubstr("minutes field \"L\" is not valid"));
  EXPECT_THAT(message_of("cron(0 0 ? L * *)"), HasSubstr("month field \"L\" is not valid"));
  EXPECT_THAT(message_of("cron(0 0 ? * 5W *)"), HasSubstr("day-of-week field \"5W\""));
  EXPECT_THAT(message_of("cron(0 0 3#2 * ? *)"), HasSubstr("day-of-month field \"3#2\""));
  EXPECT_THAT(message_of("cron(0 0 W * ? *)"), HasSubstr("day-of-month field \"W\""));
  EXPECT_THAT(message_of("cron(0 0 1,LW * ? *)"), HasSubstr("day-of-month field \"1,LW\""));
  EXPECT_THAT(message_of("cron(0 0 1-5W * ? *)"), HasSubstr("day-of-month field \"1-5W\""));
  EXPECT_THAT(message_of("cron(0 0 ? * 1,6L *)"), HasSubstr("day-of-week field \"1,6L\""));
  EXPECT_THAT(message_of("cron(0 0 ? * *L *)"), HasSubstr("day-of-week field \"*L\""));
  EXPECT_THAT(message_of("cron(0 0 ? * #2 *)"), HasSubstr("day-of-week field \"#2\""));
}

TEST(ValidateGlueCron, ChecksTheOccurrenceAfterHash) {
  for (const char* expression : {"cron(0 0 ? * 3#0 *)", "cron(0 0 ? * 3#6 *)",
                                 "cron(0 0 ? * 3#12 *)", "cron(0 0 ? * 3# *)"}) {
    EXPECT_THAT(message_of(expression), HasSubstr("the occurrence after '#' must be 1 to 5"))
        << expression;
  }
}

TEST(ValidateGlueCron, RejectsMalformedListsAndValues) {
  EXPECT_THAT(message_of("cron(1,,2 * * * ? *)"), HasSubstr("minutes field \"1,,2\" is not valid"));
  EXPECT_THAT(message_of("cron(1, * * * ? *)"), HasSubstr("minutes field \"1,\" is not valid"));
  EXPECT_THAT(message_of("cron(-5 * * * ? *)"), HasSubstr("minutes field \"-5\" is not valid"));
  EXPECT_THAT(message_of("cron(1-2-3 * * * ? *)"),
              HasSubstr("minutes field \"1-2-3\" is not valid"));
  EXPECT_THAT(message_of("cron(+5 * * * ? *)"), HasSubstr("minutes field \"+5\" is not valid"));
  EXPECT_THAT(message_of("cron(0 ** * * ? *)"), HasSubstr("hours field \"**\" is not valid"));
}

TEST(ValidateGlueCron, NamesTheParameter) {
  const absl::Status status = validate_glue_cron("Schedule", "cron(0 25 * * ? *)");
  EXPECT_THAT(std::string(status.message()), HasSubstr("invalid Schedule \"cron(0 25 * * ? *)\""));
}

}  // namespace
}  // namespace datamesh::core
