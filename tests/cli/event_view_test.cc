#include "clients/event_view.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace koers::clients {
namespace {

using ::testing::ElementsAre;

TEST(EventViewTest, MeasurementShowsValuePeriodAndComment) {
  v1::Event event;
  event.set_position(12);
  event.set_stream("SD1.A1.I1");
  event.set_valid_date("2026-03-31");
  event.set_type(v1::EVENT_TYPE_MEASUREMENT_RECORDED);
  event.set_principal("local");
  event.mutable_record_time()->set_seconds(1774948502);
  v1::MeasurementRecorded* measurement = event.mutable_measurement_recorded();
  measurement->set_number(70.5);
  measurement->set_period_start("2026-01-01");
  measurement->set_comment("na de\neerste ronde");
  EXPECT_THAT(EventCells(event),
              ElementsAre("12", "2026-03-31T09:15:02.000Z", "2026-03-31",
                          "SD1.A1.I1", "measurement recorded", "local",
                          "70.5 (period from 2026-01-01); comment: na de "
                          "eerste ronde"));
  EXPECT_EQ(EventColumns().size(), EventCells(event).size());
  EXPECT_EQ(EventColumnWidths().size(), EventColumns().size());
}

TEST(EventViewTest, LevelIsQuoted) {
  v1::Event event;
  event.mutable_measurement_recorded()->set_level("gedeeltelijk gerealiseerd");
  EXPECT_EQ(EventSummary(event), "\"gedeeltelijk gerealiseerd\"");
}

TEST(EventViewTest, CorrectionNamesWhatItSupersedesAndWhy) {
  v1::Event event;
  v1::MeasurementCorrected* correction = event.mutable_measurement_corrected();
  correction->set_supersedes_event_id("0f2c");
  correction->set_number(6);
  correction->set_reason("tikfout");
  EXPECT_EQ(EventSummary(event), "corrects 0f2c: 6; reason: tikfout");
}

TEST(EventViewTest, StatusChangeShowsFromAndTo) {
  v1::Event event;
  v1::ActionStatusChanged* change = event.mutable_action_status_changed();
  change->set_from_status(v1::ACTION_STATUS_PLANNED);
  change->set_to_status(v1::ACTION_STATUS_IN_PROGRESS);
  change->set_reason("gestart");
  EXPECT_EQ(EventSummary(event), "planned → in progress; reason: gestart");
}

TEST(EventViewTest, LongFreeTextIsCut) {
  v1::Event event;
  event.mutable_fiche_updated()->set_year(2026);
  event.mutable_fiche_updated()->set_text(std::string(100, 'x'));
  EXPECT_EQ(EventSummary(event), "fiche 2026: " + std::string(59, 'x') + "…");
}

TEST(EventViewTest, DefinitionsShowTitleAndReason) {
  v1::Event event;
  event.mutable_action_defined()->mutable_action()->set_title("Coördinatie");
  event.mutable_action_defined()->set_reason("loaded from plan.json");
  EXPECT_EQ(EventSummary(event), "Coördinatie; reason: loaded from plan.json");
  v1::Event plan;
  plan.mutable_plan_adopted()->mutable_plan()->set_id("VAP");
  plan.mutable_plan_adopted()->mutable_plan()->set_title("Actieplan");
  EXPECT_EQ(EventSummary(plan), "VAP Actieplan");
}

}  // namespace
}  // namespace koers::clients
