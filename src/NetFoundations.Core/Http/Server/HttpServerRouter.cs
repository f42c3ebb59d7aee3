using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// A route table: "METHOD /path/{name}" patterns to handlers, then static files, then the refusals the book's
    /// timeapp gives — 501 for a method no route (nor the static folder) serves, 405 with Allow for a path served only
    /// by other methods, 404 for other paths, and 404 for a host not in HostNames. HEAD is answered by GET's route
    /// (the server drops the body). Its HandleAsync is an HttpServerOptions.Handler. Routes are added before the server
    /// starts; the table is then only read.
    /// </summary>
    public sealed class HttpServerRouter
    {
        private readonly List<Route> routes = new List<Route>();
        private readonly HashSet<string> methods = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string>? hostNames;
        private readonly HttpStaticFiles? staticFiles;

        /// <param name="hostNames">The only Host names answered (without port, any case); null or empty answers every host.</param>
        /// <param name="staticPath">A folder whose files GET and HEAD requests get when no route matches; null for none.</param>
        public HttpServerRouter(IEnumerable<string>? hostNames = null, string? staticPath = null)
        {
            var names = hostNames?.Select(h => HttpServerForms.HostWithoutPort(h)).Where(h => h.Length > 0).ToList();
            if (names != null && names.Count > 0)
                this.hostNames = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
            if (staticPath != null)
            {
                staticFiles = new HttpStaticFiles(staticPath);
                methods.Add("GET");
                methods.Add("HEAD");
            }
        }

        /// <summary>The routes in the order they are tried: literal segments before parameters, then as added.</summary>
        public IReadOnlyList<string> Routes => routes.Select(r => r.Name).ToList();

        /// <summary>
        /// Adds a route: method (GET, POST …, or * for any) and a pattern of segments, each literal or {name} (one
        /// segment) or, last, {*name} (the rest of the path). "GET /items/{id}" answers /items/7 with RouteParameters id = 7.
        /// </summary>
        public void Add(string method, string pattern, Func<HttpServerRequest, CancellationToken, Task<HttpServerResponse>> handler)
        {
            if (method != "*" && !HttpServerStatus.IsToken(method))
                throw new InvalidNetworkRequestException($"\"{method}\" is not an HTTP method.", null);
            if (pattern == null || !pattern.StartsWith("/", StringComparison.Ordinal))
                throw new InvalidNetworkRequestException($"The route pattern \"{pattern}\" does not start with '/'.", null);
            var route = new Route(method, pattern, handler ?? throw new ArgumentNullException(nameof(handler)));
            if (routes.Any(r => r.Method == route.Method && r.Shape == route.Shape))
                throw new InvalidNetworkRequestException($"The route \"{route.Name}\" is given twice.", null);
            routes.Add(route);
            // Stable: among routes of the same specificity the first added is tried first.
            var ordered = routes.OrderByDescending(r => r.Literals).ThenBy(r => r.CatchAll ? 1 : 0).ToList();
            routes.Clear();
            routes.AddRange(ordered);
            methods.Add(method);
            if (method == "GET")
                methods.Add("HEAD");
        }

        /// <summary>Adds "GET /time" style routes: the method, a space, the pattern.</summary>
        public void Add(string route, Func<HttpServerRequest, CancellationToken, Task<HttpServerResponse>> handler)
        {
            var (method, pattern) = Split(route);
            Add(method, pattern, handler);
        }

        /// <summary>"GET /time" → ("GET", "/time"); a pattern alone is for GET.</summary>
        public static (string Method, string Pattern) Split(string route)
        {
            var text = (route ?? "").Trim();
            var space = text.IndexOf(' ');
            return space < 0 ? ("GET", text) : (text.Substring(0, space).ToUpperInvariant() == "ANY" ? "*" : text.Substring(0, space), text.Substring(space + 1).Trim());
        }

        public async Task<HttpServerResponse> HandleAsync(HttpServerRequest request, CancellationToken cancel)
        {
            if (hostNames != null && !hostNames.Contains(request.HostName))
                return Refuse(request, 404);
            if (!methods.Contains("*") && !methods.Contains(request.Method))
                return Refuse(request, 501);
            var segments = request.Path.Split('/');
            List<string>? allowed = null;
            foreach (var route in routes)
            {
                var parameters = route.Match(segments);
                if (parameters == null)
                    continue;
                if (route.Method == "*" || route.Method == request.Method || (request.Method == "HEAD" && route.Method == "GET"))
                {
                    request.Route = route.Name;
                    foreach (var parameter in parameters)
                        request.RouteParameters[parameter.Key] = parameter.Value;
                    return await route.Handler(request, cancel).ConfigureAwait(false);
                }
                (allowed ??= new List<string>()).Add(route.Method);
            }
            if (staticFiles != null && (request.Method == "GET" || request.Method == "HEAD") && staticFiles.Answer(request) is { } file)
            {
                request.Route = "static";
                return file;
            }
            if (allowed != null)
            {
                if (allowed.Contains("GET"))
                    allowed.Add("HEAD");
                var response = Refuse(request, 405);
                response.AddHeader("Allow", string.Join(", ", allowed.Distinct()));
                return response;
            }
            return Refuse(request, 404);
        }

        private static HttpServerResponse Refuse(HttpServerRequest request, int status)
        {
            request.Route = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return HttpServerResponse.Status(status);
        }

        private sealed class Route
        {
            private readonly string[] segments;

            public Route(string method, string pattern, Func<HttpServerRequest, CancellationToken, Task<HttpServerResponse>> handler)
            {
                Method = method;
                Handler = handler;
                Name = (method == "*" ? "ANY" : method) + " " + pattern;
                segments = pattern.Split('/');
                for (var i = 0; i < segments.Length; i++)
                {
                    var s = segments[i];
                    if (!s.StartsWith("{", StringComparison.Ordinal))
                    {
                        Literals++;
                        continue;
                    }
                    if (!s.EndsWith("}", StringComparison.Ordinal) || s.Length < 3 || (s[1] == '*' && (s.Length < 4 || i != segments.Length - 1)))
                        throw new InvalidNetworkRequestException($"The route pattern \"{pattern}\" has a malformed parameter \"{s}\" ({{name}}, or {{*name}} last).", null);
                    CatchAll |= s[1] == '*';
                }
                Shape = string.Join("/", segments.Select(s => s.StartsWith("{", StringComparison.Ordinal) ? (s[1] == '*' ? "**" : "*") : s));
            }

            public string Method { get; }
            public string Name { get; }
            public string Shape { get; }
            public int Literals { get; }
            public bool CatchAll { get; }
            public Func<HttpServerRequest, CancellationToken, Task<HttpServerResponse>> Handler { get; }

            /// <summary>The parameters when the path's segments match; null when they do not.</summary>
            public List<KeyValuePair<string, string>>? Match(string[] path)
            {
                var found = new List<KeyValuePair<string, string>>();
                for (var i = 0; i < segments.Length; i++)
                {
                    var s = segments[i];
                    if (s.StartsWith("{*", StringComparison.Ordinal))
                    {
                        found.Add(new KeyValuePair<string, string>(s.Substring(2, s.Length - 3), string.Join("/", path.Skip(i))));
                        return found;
                    }
                    if (i >= path.Length)
                        return null;
                    if (s.StartsWith("{", StringComparison.Ordinal))
                    {
                        if (path[i].Length == 0)
                            return null;
                        found.Add(new KeyValuePair<string, string>(s.Substring(1, s.Length - 2), path[i]));
                    }
                    else if (!string.Equals(s, path[i], StringComparison.Ordinal))
                        return null;
                }
                return path.Length == segments.Length ? found : null;
            }
        }
    }
}
