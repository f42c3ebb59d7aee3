using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetFoundations.Core.Http
{
    /// <summary>
    /// A site's robots.txt (RFC 9309) as one crawler reads it: the group for its product token, else the * group;
    /// Allow and Disallow paths with * and $; the longest matching rule wins, Allow on a tie; Crawl-delay kept (it is
    /// not in the RFC, but wget and most crawlers honour it). A file larger than MaxBytes is read up to there, as the
    /// RFC allows (at least 500 KiB must be parsed).
    /// </summary>
    public sealed class RobotsTxt
    {
        public const int MaxBytes = 512 * 1024;
        /// <summary>Rules kept from one file: a hostile file of endless rules costs no more than this.</summary>
        public const int MaxRules = 10_000;

        private readonly List<(string Pattern, bool Allow)> rules;

        private RobotsTxt(List<(string Pattern, bool Allow)> rules, TimeSpan? crawlDelay)
        {
            this.rules = rules;
            CrawlDelay = crawlDelay;
        }

        /// <summary>Everything allowed: no robots.txt (404 and other 4xx), as the RFC says.</summary>
        public static RobotsTxt AllowAll { get; } = new RobotsTxt(new List<(string, bool)>(), null);

        /// <summary>Nothing allowed: the RFC's reading of a robots.txt the server failed to give (5xx, unreachable).</summary>
        public static RobotsTxt DisallowAll { get; } = new RobotsTxt(new List<(string, bool)> { ("/", false) }, null);

        public TimeSpan? CrawlDelay { get; }

        /// <summary>The rules for userAgent's product token (its name before any / or space), or those of *.</summary>
        public static RobotsTxt Parse(string text, string userAgent)
        {
            var token = userAgent.Split('/', ' ')[0].Trim();
            var groups = new List<Group>();
            Group? current = null;
            var lastWasAgent = false;
            foreach (var raw in (text.Length > MaxBytes ? text.Substring(0, MaxBytes) : text).Split('\n'))
            {
                var line = raw;
                var hash = line.IndexOf('#');
                if (hash >= 0)
                    line = line.Substring(0, hash);
                var colon = line.IndexOf(':');
                if (colon < 0)
                    continue;
                var key = line.Substring(0, colon).Trim().ToLowerInvariant();
                var value = line.Substring(colon + 1).Trim();
                if (key == "user-agent")
                {
                    // Consecutive user-agent lines open one group together.
                    if (!lastWasAgent || current == null)
                        groups.Add(current = new Group());
                    current.Agents.Add(value);
                    lastWasAgent = true;
                    continue;
                }
                lastWasAgent = false;
                if (current == null)
                    continue;
                // An empty Disallow allows everything: it adds no rule.
                if ((key == "allow" || key == "disallow") && value.Length > 0 && current.Rules.Count < MaxRules)
                    current.Rules.Add((value, key == "allow"));
                else if (key == "crawl-delay" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                    && seconds >= 0 && seconds <= 3600)
                    current.Delay = TimeSpan.FromSeconds(seconds);
            }
            var mine = groups.Where(g => token.Length > 0 && g.Agents.Any(a => a != "*" && string.Equals(a, token, StringComparison.OrdinalIgnoreCase))).ToList();
            if (mine.Count == 0)
                mine = groups.Where(g => g.Agents.Contains("*")).ToList();
            return new RobotsTxt(mine.SelectMany(g => g.Rules).ToList(), mine.Select(g => g.Delay).FirstOrDefault(d => d.HasValue));
        }

        private sealed class Group
        {
            public List<string> Agents { get; } = new List<string>();
            public List<(string Pattern, bool Allow)> Rules { get; } = new List<(string, bool)>();
            public TimeSpan? Delay { get; set; }
        }

        /// <summary>Whether the path (with its query) may be fetched.</summary>
        public bool IsAllowed(string pathAndQuery)
        {
            if (pathAndQuery == "/robots.txt")
                return true;
            var best = -1;
            var allowed = true;
            foreach (var (pattern, allow) in rules)
            {
                if (!Matches(pattern, pathAndQuery))
                    continue;
                if (pattern.Length > best || (pattern.Length == best && allow))
                {
                    best = pattern.Length;
                    allowed = allow;
                }
            }
            return allowed;
        }

        /// <summary>A rule's match from the path's start: * is any run of characters, a final $ anchors the end.</summary>
        private static bool Matches(string pattern, string path)
        {
            var anchored = pattern.EndsWith("$", StringComparison.Ordinal);
            if (anchored)
                pattern = pattern.Substring(0, pattern.Length - 1);
            var parts = pattern.Split('*');
            if (!path.StartsWith(parts[0], StringComparison.Ordinal))
                return false;
            var at = parts[0].Length;
            for (var i = 1; i < parts.Length; i++)
            {
                // The last part of an anchored pattern must end the path: search it from the end.
                var found = anchored && i == parts.Length - 1
                    ? (path.Length - parts[i].Length >= at && path.EndsWith(parts[i], StringComparison.Ordinal) ? path.Length - parts[i].Length : -1)
                    : path.IndexOf(parts[i], at, StringComparison.Ordinal);
                if (found < 0)
                    return false;
                at = found + parts[i].Length;
            }
            return !anchored || at == path.Length;
        }
    }
}
