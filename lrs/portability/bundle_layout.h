// The member names and fixed texts of the bundle layout (bundle.h), shared
// by the writer and the reader so the two cannot drift apart. Internal to
// lrs/portability.
#pragma once

#include <boost/json.hpp>
#include <cstdio>
#include <string>
#include <string_view>

#include "lrs/portability/bundle.h"

namespace lrs::portability::layout {

inline constexpr std::string_view kRoot = "lrs-bundle/";
inline constexpr std::string_view kBagitText =
    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
inline constexpr std::string_view kIdentities = "data/identities.json";
inline constexpr std::string_view kAttachments = "data/attachments/";
inline constexpr std::string_view kBagitManifest = "manifest-sha256.txt";
inline constexpr std::string_view kManifest = "manifest.json";
inline constexpr std::string_view kSignature = "manifest.json.jws";
// JSON-lines members are cut before they pass this size.
inline constexpr size_t kChunkBytes = 4u << 20;

// "data/<folder>/NNNNNN<suffix>", numbered from 1.
inline std::string NumberedMember(std::string_view folder, uint64_t n, std::string_view suffix) {
  char digits[24];
  std::snprintf(digits, sizeof digits, "%06llu", static_cast<unsigned long long>(n));
  return "data/" + std::string(folder) + "/" + digits + std::string(suffix);
}

inline boost::json::object CountsToJson(const BundleCounts& c) {
  return {{"statements", c.statements},   {"voided", c.voided},
          {"attachments", c.attachments}, {"documents", c.documents},
          {"identities", c.identities},   {"auditEntries", c.audit_entries}};
}

}  // namespace lrs::portability::layout
