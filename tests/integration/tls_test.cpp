// HTTPS: lrsd with --tls-cert/--tls-key serves xAPI over TLS 1.2 and 1.3
// only, with a throwaway self-signed certificate made here. A client that
// trusts that certificate reads and writes statements; TLS 1.1 and plain
// HTTP are refused; a key without its certificate stops lrsd at start.
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <memory>

#include "gtest/gtest.h"
#include "tests/integration/lrs_process.h"

namespace lrs_it {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

// A P-256 key and a certificate for 127.0.0.1 signed by itself, as PEM files
// in `dir`. False on any OpenSSL failure.
bool MakeSelfSignedCertificate(const std::string& dir) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!key || !cert) return false;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
  if (!san) return false;
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return false;
  FILE* c = std::fopen((dir + "/cert.pem").c_str(), "w");
  FILE* k = std::fopen((dir + "/key.pem").c_str(), "w");
  bool ok = c && k && PEM_write_X509(c, cert.get()) == 1 &&
            PEM_write_PrivateKey(k, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  if (c) std::fclose(c);
  if (k) std::fclose(k);
  return ok;
}

struct TlsAnswer {
  std::string error;  // the handshake's or the exchange's; empty on success
  int status = 0;
  std::string body;
  std::string protocol;  // "TLSv1.3", ...
};

// One HTTPS request to 127.0.0.1:`port` that verifies the server against
// `ca_file`, with the client limited to TLS versions [min, max].
TlsAnswer SendTls(uint16_t port, const std::string& ca_file, bhttp::request<bhttp::string_body> req,
                  int min_version = TLS1_2_VERSION, int max_version = 0) {
  TlsAnswer out;
  try {
    net::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(ca_file);
    ctx.set_verify_mode(ssl::verify_peer);
    // Level 0 lets this client offer old versions, so a refusal is the server's.
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), min_version);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), max_version);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native_handle()), "127.0.0.1");
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    beast::get_lowest_layer(stream).connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    stream.handshake(ssl::stream_base::client);
    out.protocol = SSL_get_version(stream.native_handle());
    req.set(bhttp::field::host, "127.0.0.1");
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    out.status = res.result_int();
    out.body = res.body();
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

bhttp::request<bhttp::string_body> XapiRequest(bhttp::verb method, const std::string& target,
                                               std::string body = "") {
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::authorization, BasicAuth(kAdminKey, kAdminSecret));
  req.set("X-Experience-API-Version", kV103);
  if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
  req.body() = std::move(body);
  return req;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(MakeSelfSignedCertificate(lrs_.data_dir()));
    cert_ = lrs_.data_dir() + "/cert.pem";
    ASSERT_TRUE(lrs_.Start({"--tls-cert", cert_, "--tls-key", lrs_.data_dir() + "/key.pem"}));
  }
  LrsProcess lrs_;
  std::string cert_;
};

TEST_F(TlsTest, StatementsAreWrittenAndReadOverTls13) {
  std::string id = NewUuid();
  boost::json::object s = Statement("tls@example.com");
  s["id"] = id;
  TlsAnswer put = SendTls(lrs_.port(), cert_,
                          XapiRequest(bhttp::verb::put, "/xapi/statements?statementId=" + id,
                                      boost::json::serialize(s)));
  ASSERT_TRUE(put.error.empty()) << put.error;
  EXPECT_EQ(put.status, 204) << put.body;
  EXPECT_EQ(put.protocol, "TLSv1.3");
  TlsAnswer got = SendTls(lrs_.port(), cert_,
                          XapiRequest(bhttp::verb::get, "/xapi/statements?statementId=" + id));
  ASSERT_TRUE(got.error.empty()) << got.error;
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(boost::json::parse(got.body).at("id").as_string(), id);
}

TEST_F(TlsTest, Tls12IsAcceptedAndTls11Refused) {
  auto about = [&](int min, int max) {
    return SendTls(lrs_.port(), cert_, XapiRequest(bhttp::verb::get, "/xapi/about"), min, max);
  };
  TlsAnswer v12 = about(TLS1_2_VERSION, TLS1_2_VERSION);
  ASSERT_TRUE(v12.error.empty()) << v12.error;
  EXPECT_EQ(v12.status, 200);
  EXPECT_EQ(v12.protocol, "TLSv1.2");
  TlsAnswer v11 = about(TLS1_1_VERSION, TLS1_1_VERSION);
  EXPECT_FALSE(v11.error.empty()) << "a TLS 1.1 handshake succeeded (" << v11.protocol << ")";
  EXPECT_EQ(v11.status, 0);
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortGetsNoAnswer) {
  HttpRequest about;
  about.target = "/xapi/about";
  HttpConnection plain(lrs_.port(), std::chrono::seconds(5));
  HttpResponse res = plain.Send(about);
  EXPECT_NE(res.status, 200) << res;
  EXPECT_FALSE(res.ok()) << res;
}

TEST(TlsStartTest, KeyWithoutCertificateStopsLrsdAtStart) {
  LrsProcess lrs;
  ASSERT_TRUE(MakeSelfSignedCertificate(lrs.data_dir()));
  auto started = lrs.Start({"--tls-key", lrs.data_dir() + "/key.pem"});
  ASSERT_FALSE(started);
  std::string why = started.message();
  EXPECT_NE(why.find("tls-cert and tls-key"), std::string::npos) << why;
}

}  // namespace
}  // namespace lrs_it
