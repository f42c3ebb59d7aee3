using System;
using System.Collections.Generic;
using System.Net;
using NetFoundations.Core.Http;

namespace NetFoundations.Core.Tests.Http
{
    /// <summary>The HTTP client's own rules: the cookie jar (RFC 6265) and the Digest answer (RFC 2617's worked example).</summary>
    public sealed class HttpClientCookieAndDigestTests
    {
        // The real clock: a cookie's own Expired compares with it.
        private static readonly DateTime Now = DateTime.UtcNow;

        [Fact]
        public void DigestAnswerMatchesTheRfcExample()
        {
            var challenge = "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", " +
                "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
            var answer = HttpClientDigest.Answer(challenge, new NetworkCredential("Mufasa", "Circle Of Life"), "GET",
                new Uri("http://www.nowhere.org/dir/index.html"), "0a4f113b");
            Assert.NotNull(answer);
            Assert.Contains("response=\"6629fae49393a05397450978507c4ef1\"", answer);
            Assert.Contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", answer);
            Assert.Contains("qop=auth, nc=00000001, cnonce=\"0a4f113b\"", answer);
        }

        [Fact]
        public void DigestWithAnUnknownAlgorithmIsNotAnswered()
        {
            Assert.Null(HttpClientDigest.Answer("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", new NetworkCredential("u", "p"), "GET",
                new Uri("http://h/"), "c"));
        }

        [Fact]
        public void CookiesGoWhereTheirDomainPathAndSecureFlagAllow()
        {
            var jar = new List<Cookie>();
            var page = new Uri("http://www.example.com/shop/cart");
            HttpClientCookies.Store(jar, page, new[]
            {
                "host=1",                                   // host only, path /shop (the default path)
                "wide=2; Domain=example.com; Path=/",       // the domain and its subdomains
                "safe=3; Path=/; Secure; HttpOnly",         // https only
                "other=4; Domain=elsewhere.com",            // not the page's domain: dropped
            }, Now);

            Assert.Equal(3, jar.Count);
            Assert.Equal("host=1; wide=2", HttpClientCookies.HeaderFor(jar, new Uri("http://www.example.com/shop/item"), Now));
            Assert.Equal("wide=2", HttpClientCookies.HeaderFor(jar, new Uri("http://api.example.com/"), Now));
            Assert.Equal("wide=2", HttpClientCookies.HeaderFor(jar, new Uri("http://www.example.com/shopping"), Now));
            Assert.Contains("safe=3", HttpClientCookies.HeaderFor(jar, new Uri("https://www.example.com/"), Now));
            Assert.Null(HttpClientCookies.HeaderFor(jar, new Uri("http://example.org/"), Now));
        }

        [Fact]
        public void AnExpiredSetCookieRemovesTheCookieAndMaxAgeWinsOverExpires()
        {
            var jar = new List<Cookie>();
            var page = new Uri("http://127.0.0.1/");
            HttpClientCookies.Store(jar, page, new[] { "a=1; Path=/", "b=2; Path=/; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT" }, Now);
            Assert.Equal("a=1; b=2", HttpClientCookies.HeaderFor(jar, page, Now));

            HttpClientCookies.Store(jar, page, new[] { "a=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT" }, Now);
            Assert.Equal("b=2", HttpClientCookies.HeaderFor(jar, page, Now));
            Assert.Null(HttpClientCookies.HeaderFor(jar, page, Now.AddSeconds(61)));
        }

        [Fact]
        public void MalformedOrOversizedSetCookieIsDropped()
        {
            var jar = new List<Cookie>();
            HttpClientCookies.Store(jar, new Uri("http://h/"), new[] { "=novalue", "noequals", "big=" + new string('x', 10000) }, Now);
            Assert.Empty(jar);
        }
    }
}
