using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using NetFoundations.Core.Mail;

namespace NetFoundations.PowerShell.Mail
{
    /// <summary>
    /// Completes IMAP folder names from the -Session already typed: the names the session learnt at connect and keeps
    /// current (Get-ImapFolder, New-, Rename-, Remove-ImapFolder). It asks the server nothing: a tab press never waits
    /// on the network, nor queues behind a command that uses the session.
    /// </summary>
    public sealed class ImapFolderCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var value = fakeBoundParameters["Session"];
            var session = (value as PSObject)?.BaseObject as ImapSession ?? value as ImapSession;
            var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return (session?.FolderNames ?? Array.Empty<string>())
                .Where(name => name.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
                .OrderBy(name => name, StringComparer.OrdinalIgnoreCase)
                .Select(name => new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name));
        }

        private static string Quote(string name) =>
            name.Any(c => char.IsWhiteSpace(c) || "'\"`$&@(){};,|<>#".IndexOf(c) >= 0) ? "'" + name.Replace("'", "''") + "'" : name;
    }
}
