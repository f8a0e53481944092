#include "lrs/store/credential_store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <boost/json.hpp>
#include <mutex>

#include "lrs/base/encoding.h"
#include "lrs/store/keys.h"

namespace lrs::store {

namespace json = boost::json;

namespace {

std::string Pbkdf2(std::string_view secret, std::string_view salt, int iterations) {
  std::string out(32, '\0');
  PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), 32,
                    reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

const Status& Refused() {
  static const Status s = Status::Unauthorized("invalid credentials");
  return s;
}

}  // namespace

bool Credential::HasScope(std::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

CredentialStore::CredentialStore(Database* db) : db_(db), pepper_(RandomBytes(32)) {}

std::string CredentialStore::FastDigest(std::string_view secret) const {
  return Sha256(pepper_ + std::string(secret));
}

Status CredentialStore::Put(const Credential& c, std::string_view secret) {
  std::string salt = RandomBytes(16);
  json::array scopes;
  for (const auto& s : c.scopes) scopes.emplace_back(s);
  json::object record{{"name", c.name},
                      {"scopes", std::move(scopes)},
                      {"organisation", c.organisation},
                      {"learner", c.learner},
                      {"salt", HexEncode(salt)},
                      {"iterations", kIterations},
                      {"hash", HexEncode(Pbkdf2(secret, salt, kIterations))}};
  rocksdb::WriteBatch batch;
  batch.Put(keys::Credential(c.key), json::serialize(record));
  LRS_RETURN_IF_ERROR(db_->WriteDurable(&batch));
  std::unique_lock lock(mu_);
  cache_.erase(c.key);
  ++generation_;
  return Status::Ok();
}

Result<bool> CredentialStore::Exists(std::string_view key) {
  auto v = db_->Get(keys::Credential(key));
  if (!v.ok()) return v.status();
  return v->has_value();
}

Status CredentialStore::Delete(std::string_view key) {
  rocksdb::WriteBatch batch;
  batch.Delete(keys::Credential(key));
  LRS_RETURN_IF_ERROR(db_->WriteDurable(&batch));
  std::unique_lock lock(mu_);
  cache_.erase(std::string(key));
  ++generation_;
  return Status::Ok();
}

Result<bool> CredentialStore::Empty() {
  auto it = db_->NewIterator(rocksdb::ReadOptions());
  std::string prefix = keys::Credential("");
  it->Seek(prefix);
  if (!it->status().ok()) return FromRocks(it->status());
  return !(it->Valid() && it->key().starts_with(prefix));
}

Result<Credential> CredentialStore::Authenticate(std::string_view key, std::string_view secret) {
  std::string digest = FastDigest(secret);
  {
    std::shared_lock lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (ConstantTimeEquals(it->second.digest, digest)) return it->second.credential;
    }
  }
  uint64_t generation;
  {
    std::shared_lock lock(mu_);
    generation = generation_;
  }
  auto v = db_->Get(keys::Credential(key));
  if (!v.ok()) return v.status();
  json::error_code ec;
  json::value record = v->has_value() ? json::parse(**v, ec) : json::value();
  if (!v->has_value() || ec || !record.is_object()) {
    Pbkdf2(secret, "equalise timing", kIterations);
    return Refused();
  }
  const auto& r = record.get_object();
  auto salt = HexDecode(r.at("salt").as_string());
  auto hash = HexDecode(r.at("hash").as_string());
  int iterations = static_cast<int>(r.at("iterations").to_number<int64_t>());
  if (!salt || !hash || !ConstantTimeEquals(Pbkdf2(secret, *salt, iterations), *hash)) {
    return Refused();
  }
  Credential c;
  c.key = std::string(key);
  c.name = std::string(r.at("name").as_string());
  for (const auto& s : r.at("scopes").as_array()) c.scopes.emplace_back(s.as_string());
  if (auto* o = r.if_contains("organisation"); o && o->is_string()) c.organisation = o->as_string();
  if (auto* l = r.if_contains("learner"); l && l->is_string()) c.learner = l->as_string();
  std::unique_lock lock(mu_);
  // A Put or Delete since the read above may have changed this credential;
  // caching what was read then could outlive a deletion.
  if (generation_ == generation) cache_[c.key] = Cached{c, digest};
  return c;
}

}  // namespace lrs::store
