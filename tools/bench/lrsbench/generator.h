// StatementGenerator: the benchmark's statements, a pure function of (seed,
// k, learners). Statement k is the same bytes in every run, in `load`, in
// the write drivers and in the RocksDB ceiling, so a run is reproducible and
// a reader can compute what it should find (statement k's id, its learner)
// without keeping any state.
//
// Shape (about 1 KB, like tools/bench/gen_statements.py): actor = a learner
// (name + mbox), one of 8 ADL/video verbs, a lesson activity of 40 courses x
// 12 modules x 30 lessons with its definition, a result with score,
// success, completion and duration, a context with a registration (one per
// learner and course), the course as parent activity and the platform, and
// a timestamp walking forward with k. Every 100th statement (k = 100, 200,
// ...) instead voids statement k - 50, as its learner would.
#pragma once

#include <cstdint>
#include <string>

#include "lrs/base/encoding.h"

namespace lrsbench {

class StatementGenerator {
 public:
  // `learners` >= 1: the learner of a statement is a number in [0, learners).
  StatementGenerator(uint64_t seed, uint64_t learners) : seed_(seed), learners_(learners) {}

  std::string Statement(uint64_t k) const;  // compact JSON
  std::string Id(uint64_t k) const;         // lowercase UUID (version 4 form)
  lrs::Uuid IdBytes(uint64_t k) const;
  // The actor's learner number (a voiding statement's is its target's).
  uint64_t Learner(uint64_t k) const;

  // k voids statement k - kVoidDistance.
  static constexpr uint64_t kVoidEvery = 100;
  static constexpr uint64_t kVoidDistance = 50;
  static bool IsVoiding(uint64_t k) { return k >= kVoidEvery && k % kVoidEvery == 0; }
  // A statement fetched by id answers 200 unless it is (or may be) voided;
  // readers that expect 200 skip these (voiding and voided numbers alike).
  static bool TouchedByVoiding(uint64_t k) { return k % kVoidDistance == 0; }

  // The identity of learner i: what `lrsbench seed` gives learner i.
  static std::string Mbox(uint64_t learner);  // mailto:learner-0000042@bench.example.org
  static std::string Name(uint64_t learner);  // Learner 42
  // A verb and activity that many statements share (the verb one of 8, the
  // activity the course every 40th statement has as parent): the
  // verb+activity query (with related_activities) returns full pages.
  static std::string CommonVerb();
  static std::string CommonActivity();
  // The id of course number `course` (0..kCourses-1).
  static constexpr uint64_t kCourses = 40;
  static std::string Course(uint64_t course);

 private:
  uint64_t Draw(uint64_t k, uint64_t field) const;  // a hash of (seed, k, field)
  std::string Registration(uint64_t learner, uint64_t course) const;
  void AppendActivity(std::string* out, uint64_t k) const;
  void AppendResultAndContext(std::string* out, uint64_t k) const;
  std::string Timestamp(uint64_t k) const;

  uint64_t seed_;
  uint64_t learners_;
};

}  // namespace lrsbench
