// StatementGenerator: builds statement k's JSON text from hashes of (seed,
// k). Text is appended directly rather than built as a boost::json value:
// every string is one of the fixed words, ids or numbers below (nothing
// needs escaping), and the generator runs inside the timed loops of the
// load client and the RocksDB ceiling, where it should cost next to nothing.
#include "tools/bench/lrsbench/generator.h"

#include <cstdio>
#include <string_view>

#include "lrs/base/clock.h"

namespace lrsbench {

namespace {

constexpr std::string_view kVerbs[][2] = {
    {"http://adlnet.gov/expapi/verbs/experienced", "experienced"},
    {"http://adlnet.gov/expapi/verbs/attempted", "attempted"},
    {"http://adlnet.gov/expapi/verbs/completed", "completed"},
    {"http://adlnet.gov/expapi/verbs/passed", "passed"},
    {"http://adlnet.gov/expapi/verbs/failed", "failed"},
    {"http://adlnet.gov/expapi/verbs/answered", "answered"},
    {"http://adlnet.gov/expapi/verbs/progressed", "progressed"},
    {"https://w3id.org/xapi/video/verbs/played", "played"},
};
constexpr size_t kCompleted = 2, kPassed = 3;
constexpr std::string_view kActivityTypes[] = {
    "http://adlnet.gov/expapi/activities/lesson",
    "http://adlnet.gov/expapi/activities/assessment",
    "http://adlnet.gov/expapi/activities/interaction",
    "https://w3id.org/xapi/video/activity-type/video",
};
constexpr std::string_view kPlatforms[] = {"Moodle 4.3", "Canvas LMS", "cmi5 player 2.1",
                                           "Learning Locker"};
constexpr std::string_view kWords[] = {
    "safety",     "fire",   "evacuation", "procedure",    "module",    "lesson",   "review",
    "practice",   "quiz",   "chapter",    "introduction", "advanced",  "basics",   "workplace",
    "compliance", "health", "data",       "privacy",      "summary",   "scenario", "exercise",
    "assessment", "video",  "reading",    "handling",     "equipment", "emergency"};
constexpr uint64_t kModules = 12, kLessons = 30;  // per course, per module
constexpr std::string_view kCourseBase = "https://courses.example.org/course/";
// 2024-01-01T00:00:00Z; statement k happens about 3 s after statement k-1.
constexpr lrs::Micros kEpochMicros = 1704067200LL * 1000000;

// Field tags: each property draws from its own hash of (seed, k).
enum Field : uint64_t {
  kIdHigh,
  kIdLow,
  kLearner,
  kCourse,
  kModule,
  kLesson,
  kVerb,
  kScore,
  kMinutes,
  kSeconds,
  kAttempt,
  kJitter,
  kMillis,
  kType,
  kWordsName,
  kWordsDescription,
  kRegistration,
};

// SplitMix64's finaliser: a cheap, well-mixed 64-bit hash.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Hash(uint64_t seed, uint64_t k, uint64_t field) { return Mix(Mix(Mix(seed) ^ k) ^ field); }

std::string Padded(uint64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llu", width, static_cast<unsigned long long>(v));
  return buf;
}

// Version-4 UUID bits on two hashes: a valid id for any xAPI validator.
lrs::Uuid UuidFrom(uint64_t high, uint64_t low) {
  lrs::Uuid id;
  for (int i = 0; i < 8; ++i) {
    id[i] = static_cast<uint8_t>(high >> (56 - 8 * i));
    id[8 + i] = static_cast<uint8_t>(low >> (56 - 8 * i));
  }
  id[6] = (id[6] & 0x0f) | 0x40;
  id[8] = (id[8] & 0x3f) | 0x80;
  return id;
}

// `n` words chosen by `h`, the first capitalised ("Fire quiz video data").
std::string Words(uint64_t h, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i) out += ' ';
    out += kWords[h % std::size(kWords)];
    h = Mix(h);
  }
  out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

// raw / 100 as a decimal, exactly (0.07, 0.6, 1).
std::string Scaled(uint64_t raw) { return raw == 100 ? "1" : "0." + Padded(raw, 2); }

std::string CourseId(uint64_t course) { return std::string(kCourseBase) + Padded(course, 3); }

void AppendActor(std::string* out, uint64_t learner) {
  *out += R"("actor":{"objectType":"Agent","name":")" + StatementGenerator::Name(learner) +
          R"(","mbox":")" + StatementGenerator::Mbox(learner) + "\"}";
}

}  // namespace

uint64_t StatementGenerator::Draw(uint64_t k, uint64_t field) const {
  return Hash(seed_, k, field);
}

lrs::Uuid StatementGenerator::IdBytes(uint64_t k) const {
  return UuidFrom(Draw(k, kIdHigh), Draw(k, kIdLow));
}

std::string StatementGenerator::Id(uint64_t k) const { return lrs::FormatUuid(IdBytes(k)); }

uint64_t StatementGenerator::Learner(uint64_t k) const {
  if (IsVoiding(k)) return Learner(k - kVoidDistance);
  return Draw(k, kLearner) % learners_;
}

std::string StatementGenerator::Mbox(uint64_t learner) {
  return "mailto:learner-" + Padded(learner, 7) + "@bench.example.org";
}

std::string StatementGenerator::Name(uint64_t learner) {
  return "Learner " + std::to_string(learner);
}

std::string StatementGenerator::CommonVerb() { return std::string(kVerbs[kCompleted][0]); }

std::string StatementGenerator::CommonActivity() { return CourseId(0); }

std::string StatementGenerator::Course(uint64_t course) { return CourseId(course); }

// One registration per learner and course, as an LMS enrolment would have.
std::string StatementGenerator::Registration(uint64_t learner, uint64_t course) const {
  uint64_t enrolment = learner * kCourses + course;
  return lrs::FormatUuid(
      UuidFrom(Hash(seed_, enrolment, kRegistration), Hash(seed_, enrolment, kRegistration + 1)));
}

std::string StatementGenerator::Timestamp(uint64_t k) const {
  lrs::Micros t = kEpochMicros + static_cast<lrs::Micros>(k * 3 + Draw(k, kJitter) % 3) * 1000000 +
                  static_cast<lrs::Micros>(Draw(k, kMillis) % 1000) * 1000;
  return lrs::FormatTimestampMillis(t);
}

// The object: a lesson, with a definition that is the same wherever the
// lesson appears (drawn from the lesson's number, not the statement's).
void StatementGenerator::AppendActivity(std::string* out, uint64_t k) const {
  uint64_t course = Draw(k, kCourse) % kCourses;
  uint64_t module = Draw(k, kModule) % kModules;
  uint64_t lesson = Draw(k, kLesson) % kLessons;
  uint64_t activity = (course * kModules + module) * kLessons + lesson;
  uint64_t type = Hash(seed_, activity, kType) % std::size(kActivityTypes);
  *out += R"("object":{"objectType":"Activity","id":")" + CourseId(course) + "/module/" +
          Padded(module, 2) + "/lesson/" + Padded(lesson, 2) + R"(","definition":{"type":")" +
          std::string(kActivityTypes[type]) + R"(","name":{"en-US":")" +
          Words(Hash(seed_, activity, kWordsName), 4) + R"("},"description":{"en-US":")" +
          Words(Hash(seed_, activity, kWordsDescription), 6) + "\"}}}";
}

void StatementGenerator::AppendResultAndContext(std::string* out, uint64_t k) const {
  uint64_t course = Draw(k, kCourse) % kCourses;
  uint64_t verb = Draw(k, kVerb) % std::size(kVerbs);
  uint64_t raw = Draw(k, kScore) % 101;
  bool completion = verb == kCompleted || verb == kPassed;
  *out += R"("result":{"score":{"scaled":)" + Scaled(raw) + R"(,"raw":)" + std::to_string(raw) +
          R"(,"min":0,"max":100},"success":)" + (raw >= 60 ? "true" : "false") +
          R"(,"completion":)" + (completion ? "true" : "false") + R"(,"duration":"PT)" +
          std::to_string(Draw(k, kMinutes) % 60) + "M" + std::to_string(Draw(k, kSeconds) % 60) +
          R"(S"},"context":{"registration":")" + Registration(Learner(k), course) +
          R"(","platform":")" + std::string(kPlatforms[course % std::size(kPlatforms)]) +
          R"(","language":"en-US","contextActivities":{"parent":[{"objectType":"Activity","id":")" +
          CourseId(course) + R"("}]},"extensions":{"https://courses.example.org/ext/attempt":)" +
          std::to_string(1 + Draw(k, kAttempt) % 4) + "}}";
}

std::string StatementGenerator::Statement(uint64_t k) const {
  std::string out;
  out.reserve(1200);
  out += R"({"id":")" + Id(k) + "\",";
  AppendActor(&out, Learner(k));
  if (IsVoiding(k)) {
    out += R"(,"verb":{"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en-US":"voided"}})";
    out += R"(,"object":{"objectType":"StatementRef","id":")" + Id(k - kVoidDistance) + "\"}";
  } else {
    uint64_t verb = Draw(k, kVerb) % std::size(kVerbs);
    out += R"(,"verb":{"id":")" + std::string(kVerbs[verb][0]) + R"(","display":{"en-US":")" +
           std::string(kVerbs[verb][1]) + "\"}},";
    AppendActivity(&out, k);
    out += ',';
    AppendResultAndContext(&out, k);
  }
  out += R"(,"timestamp":")" + Timestamp(k) + "\"}";
  return out;
}

}  // namespace lrsbench
