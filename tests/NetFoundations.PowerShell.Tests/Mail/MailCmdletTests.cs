using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetFoundations.Core.Tests.Mail;

namespace NetFoundations.PowerShell.Tests.Mail
{
    public sealed class MailCmdletTests : IClassFixture<ModuleSession>, IClassFixture<MailServers>
    {
        private readonly ModuleSession session;
        private readonly MailServers servers;

        public MailCmdletTests(ModuleSession session, MailServers servers)
        {
            this.session = session;
            this.servers = servers;
        }

        private EngineResult Run(string script) => session.Run(
            "$ca = '" + servers.CaPath + "'\n" +
            "$alice = [pscredential]::new('alice@mail.test', [Net.NetworkCredential]::new('', 'alice-password').SecurePassword)\n" +
            "$bob = [pscredential]::new('bob@mail.test', [Net.NetworkCredential]::new('', 'bob-password').SecurePassword)\n" +
            string.Join("\n", new[] { "submission", "smtp", "smtpplain", "imap", "imaps", "pop3", "pop3s", "imapnoidle" }.Select(p => $"${p} = {servers.Port(p)}")) + "\n" + script);

        [Fact]
        public void A_message_sent_through_piped_objects_is_found_read_flagged_moved_and_deleted_over_IMAP()
        {
            var subject = "Cmdlet Grüße " + Guid.NewGuid().ToString("N");
            var result = Run($@"
$file = [IO.Path]::GetTempFileName(); [IO.File]::WriteAllBytes($file, [byte[]](0..255))
$sent = New-MailMessage -From 'Alice <alice@mail.test>' -To bob@mail.test,nobody@mail.test -Subject '{subject}' -Body 'Hallo' -HtmlBody '<b>Hallo</b>' -Attachment $file |
    Send-SmtpMail -SmtpServer 127.0.0.1 -Port $submission -Security StartTls -Credential $bob -CertificateAuthorityPath $ca
$s = Connect-Imap 127.0.0.1 $bob -Port $imap -Security StartTls -CertificateAuthorityPath $ca
$found = $null
foreach ($i in 1..50) {{ $found = Get-ImapMessage -Session $s -Subject '{subject}'; if ($found) {{ break }}; [Threading.Thread]::Sleep(200) }}
$read = $found | Read-ImapMessage
$flagged = $found | Set-ImapMessageFlag -Add Flagged,Seen
$moved = $flagged | Move-ImapMessage -Destination Archive
$moved | Remove-ImapMessage -Confirm:$false
$left = @(Get-ImapMessage -Session $s -Folder Archive -Subject '{subject}').Count
Disconnect-Imap -Session $s
$sent; $found; $read; $flagged; $moved; $left");
            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "bob@mail.test" }, Strings(P(result.Output[0], "AcceptedRecipients")));
            Assert.Equal(new[] { "nobody@mail.test" }, Strings(P(result.Output[0], "RejectedRecipients")));
            Assert.Equal(subject, P(result.Output[1], "Subject"));
            Assert.DoesNotContain("Seen", Strings(P(result.Output[1], "Flags")));
            Assert.Equal("Hallo", P(result.Output[2], "Body"));
            Assert.Equal(256L, P(PSObject.AsPSObject(Assert.Single(Strings(P(result.Output[2], "Attachments"), o => o))), "Size"));
            Assert.Contains("Flagged", Strings(P(result.Output[3], "Flags")));
            Assert.Equal("Archive", P(result.Output[4], "Folder"));
            Assert.Equal(0, (int)result.Output[5].BaseObject);
        }

        [Fact]
        public void WhatIf_sends_nothing_and_bad_password_and_untrusted_certificate_are_error_records()
        {
            var result = Run("Send-SmtpMail 127.0.0.1 -Port $smtp -From a@mail.test -To bob@mail.test -Subject x -Body y -WhatIf");
            Assert.Equal(false, P(Assert.Single(result.Output), "Sent"));

            result = Run("$bad = [pscredential]::new('alice@mail.test', [Net.NetworkCredential]::new('', 'wrong').SecurePassword)\n" +
                         "Test-SmtpServer 127.0.0.1 -Port $submission -Security StartTls -Credential $bad -CertificateAuthorityPath $ca");
            Assert.Equal("AuthenticationFailed", EngineResult.ErrorId(result.SingleError));

            var transcript = System.IO.Path.GetTempFileName();
            result = Run($"Send-SmtpMail 127.0.0.1 -Port $smtpplain -Security StartTls -From a@mail.test -To bob@mail.test -Subject x -Body y -TranscriptPath '{transcript}'");
            Assert.Equal("ProtocolViolation", EngineResult.ErrorId(result.SingleError));
            Assert.Contains("STARTTLS", result.SingleError.Exception.Message);
            Assert.DoesNotContain("MAIL FROM", System.IO.File.ReadAllText(transcript));

            result = Run("Test-SmtpServer 127.0.0.1 -Port $smtp -Security StartTls");
            Assert.Equal("CertificateRejected", EngineResult.ErrorId(result.SingleError));

            result = Run("Test-SmtpServer 127.0.0.1 -Port $smtp -CertificateAuthorityPath $ca");
            var test = Assert.Single(result.Output);
            Assert.Equal(true, P(test, "StartTlsOffered"));
            Assert.Equal(true, P(test, "CertificateValid"));
        }

        [Fact]
        public void POP3_listings_pipe_into_read_and_remove()
        {
            var subject = "Pop3 cmdlet " + Guid.NewGuid().ToString("N");
            var result = Run($@"
Send-SmtpMail 127.0.0.1 -Port $smtp -CertificateAuthorityPath $ca -From a@mail.test -To alice@mail.test -Subject '{subject}' -Body 'über POP3' | Out-Null
$listed = $null
foreach ($i in 1..50) {{ $listed = Get-Pop3Message 127.0.0.1 $alice -Port $pop3s -Security Tls -CertificateAuthorityPath $ca -Headers | Where-Object Subject -eq '{subject}'; if ($listed) {{ break }}; [Threading.Thread]::Sleep(200) }}
$read = $listed | Read-Pop3Message -Credential $alice -Security Tls -CertificateAuthorityPath $ca
$listed | Remove-Pop3Message -Credential $alice -Security Tls -CertificateAuthorityPath $ca -Confirm:$false
$left = @(Get-Pop3Message 127.0.0.1 $alice -Port $pop3 -Security StartTls -CertificateAuthorityPath $ca | Where-Object Uid -eq $listed.Uid).Count
$listed; $read; $left");
            Assert.Empty(result.Errors);
            Assert.Equal(subject, P(result.Output[0], "Subject"));
            Assert.Equal("über POP3", P(result.Output[1], "Body")!.ToString()!.Trim());
            Assert.Equal(0, (int)result.Output[2].BaseObject);
        }

        [Fact]
        public void Folders_are_created_renamed_and_removed_a_missing_folder_is_ObjectNotFound_and_a_quiet_wait_writes_nothing()
        {
            var name = "Cmdlet" + Guid.NewGuid().ToString("N").Substring(0, 6);
            var result = Run($@"
$s = Connect-Imap 127.0.0.1 $alice -Port $imaps -Security Tls -CertificateAuthorityPath $ca
New-ImapFolder -Session $s -Name {name} | Rename-ImapFolder -Session $s -NewName Archive/{name} | ForEach-Object FullName
Get-ImapFolder -Session $s -Name Archive/{name} | Remove-ImapFolder -Session $s -WhatIf
@(Get-ImapFolder -Session $s -Name Archive/{name}).Count
Remove-ImapFolder -Session $s -Name Archive/{name} -Confirm:$false
@(Get-ImapFolder -Session $s -Name Archive/{name}).Count
@(Wait-ImapMessage -Session $s -WaitSeconds 0.5).Count
Get-ImapMessage -Session $s -Folder NoSuchFolder
Disconnect-Imap -Session $s");
            Assert.Equal(new object[] { "Archive/" + name, 1, 0, 0 }, result.Output.Select(o => o.BaseObject));
            var error = result.SingleError;
            Assert.Equal("PathNotFound", EngineResult.ErrorId(error));
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        }

        [Fact]
        public void A_fetch_the_server_stalls_in_ends_at_the_timeout_as_OperationTimedOut_and_the_transcript_shows_it()
        {
            // Over TLS, where a stalled read sees no cancellation token: the cmdlet must still end at its timeout.
            using var server = ScriptedMailServer.Imap(tag => "* 1 FETCH (UID 1 ENVELOPE (NIL {500}\nThe subje", ScriptedMailServer.SelfSigned());
            var transcript = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nf-imap-" + Guid.NewGuid().ToString("N") + ".log");
            var result = Run($@"
$carol = [pscredential]::new('carol@old.test', [Net.NetworkCredential]::new('', 'carol-password').SecurePassword)
$s = Connect-Imap 127.0.0.1 $carol -Port {server.Port} -Security Tls -SkipCertificateCheck
Get-ImapMessage -Session $s -TimeoutSeconds 1 -TranscriptPath '{transcript}'
$s.IsConnected");
            try
            {
                Assert.Equal("OperationTimedOut", EngineResult.ErrorId(result.SingleError));
                Assert.Contains("did not finish within 1 s", result.SingleError.Exception.Message);
                Assert.Equal(false, Assert.Single(result.Output).BaseObject);
                Assert.Contains("UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)", System.IO.File.ReadAllText(transcript));
            }
            finally
            {
                System.IO.File.Delete(transcript);
            }
        }

        [Fact]
        public void Messages_round_trip_through_eml_files_and_the_structure_is_numbered()
        {
            var result = Run(@"
$path = [IO.Path]::Combine([IO.Path]::GetTempPath(), [Guid]::NewGuid().ToString() + '.eml')
New-MailMessage -From a@mail.test -To b@mail.test -Subject 'Köln' -Body text -HtmlBody '<p>html</p>' | Save-MailMessage -Path $path | Out-Null
Read-MailMessage $path
Read-MailMessage $path -Structure | ForEach-Object { $_.PartNumber + ' ' + $_.ContentType }
Read-MailMessage -Bytes ([byte[]](0,1,2))");
            Assert.Equal("Köln", P(result.Output[0], "Subject"));
            Assert.Equal(new[] { " multipart/alternative", "1 text/plain", "2 text/html" }, result.Output.Skip(1).Select(o => o.ToString()));
            Assert.Equal("ProtocolViolation", EngineResult.ErrorId(result.SingleError));
        }

        [Fact]
        public void Apop_logs_in_where_Dovecot_offers_it_and_is_a_clear_error_where_the_server_does_not()
        {
            var transcript = System.IO.Path.GetTempFileName();
            var result = Run($@"
Get-Pop3Message 127.0.0.1 $alice -Port $pop3 -Security StartTls -CertificateAuthorityPath $ca -Apop -Headers -TranscriptPath '{transcript}' | Where-Object Subject -eq Welcome
$bad = [pscredential]::new('alice@mail.test', [Net.NetworkCredential]::new('', 'wrong').SecurePassword)
Get-Pop3Message 127.0.0.1 $bad -Port $pop3s -Security Tls -CertificateAuthorityPath $ca -Apop -TranscriptPath '{transcript}'");
            Assert.Equal("Welcome", P(Assert.Single(result.Output), "Subject"));
            Assert.Equal("AuthenticationFailed", EngineResult.ErrorId(result.SingleError));
            var text = System.IO.File.ReadAllText(transcript);
            Assert.Equal(2, text.Split("APOP ********").Length - 1);
            Assert.DoesNotContain("USER ", text);
            Assert.DoesNotContain("AUTH ", text);

            using var noApop = new ScriptedMailServer("+OK POP3 ready", line => line == "CAPA" ? "+OK\nUSER\nUIDL\n." : line == "QUIT" ? "+OK bye" : "-ERR unknown command");
            result = Run($"Get-Pop3Message 127.0.0.1 $alice -Port {noApop.Port} -Security None -Apop");
            Assert.Empty(result.Output);
            Assert.Equal("ProtocolViolation", EngineResult.ErrorId(result.SingleError));
            Assert.Contains("does not offer APOP", result.SingleError.Exception.Message);
            Assert.DoesNotContain(noApop.Received, l => l.StartsWith("USER") || l.StartsWith("PASS"));
        }

        [Fact]
        public void An_inline_image_is_multipart_related_and_the_structure_shows_its_content_id()
        {
            var result = Run(@"
$folder = [IO.Directory]::CreateTempSubdirectory('nf-inline-').FullName
$png = [IO.Path]::Combine($folder, 'logo.png')
[IO.File]::WriteAllBytes($png, [byte[]](137, 80, 78, 71, 13, 10, 26, 10) + [byte[]](0..99))
$path = [IO.Path]::Combine($folder, 'logo.eml')
New-MailMessage -From a@mail.test -To b@mail.test -Subject Logo -Body text -HtmlBody '<img src=""cid:logo.png"">' -InlineImage $png |
    Save-MailMessage -Path $path | Out-Null
Read-MailMessage $path -Structure");
            Assert.Empty(result.Errors);
            Assert.Equal(new[] { "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png" },
                result.Output.Select(o => P(o, "ContentType")));
            var image = result.Output.Last();
            Assert.Equal(new object?[] { "2.2", "inline", "logo.png" }, new[] { P(image, "PartNumber"), P(image, "Disposition"), P(image, "ContentId") });
        }

        [Fact]
        public void Without_IDLE_Wait_ImapMessage_polls_with_NOOP_and_a_quiet_wait_writes_nothing()
        {
            var transcript = System.IO.Path.GetTempFileName();
            var result = Run($@"
$s = Connect-Imap 127.0.0.2 $bob -Port $imapnoidle -Security None
$s.Capabilities -contains 'Idle'
@(Wait-ImapMessage -Session $s -WaitSeconds 2.5 -PollSeconds 1 -TranscriptPath '{transcript}').Count
Disconnect-Imap -Session $s");
            Assert.Empty(result.Errors);
            Assert.Equal(new object[] { false, 0 }, result.Output.Select(o => o.BaseObject));
            Assert.Contains(" NOOP", System.IO.File.ReadAllText(transcript));
        }

        private static object? P(PSObject o, string name) => o.Properties[name].Value;

        private static IEnumerable<string> Strings(object? list) => Strings(list, o => o.ToString()!);

        private static IEnumerable<T> Strings<T>(object? list, Func<object, T> map) =>
            ((System.Collections.IEnumerable)list!).Cast<object>().Select(map).ToList();

        [Theory]
        [InlineData("New-MailMessage")]
        [InlineData("Send-SmtpMail")]
        [InlineData("Get-ImapMessage")]
        [InlineData("Get-Pop3Message")]
        public void Help_shows_the_synopsis_and_examples(string name)
        {
            var help = Run($"Get-Help {name} -Full");
            Assert.False(string.IsNullOrWhiteSpace(help.Output.Single().Properties["Synopsis"].Value?.ToString()));
            Assert.True((int)Run($"@((Get-Help {name} -Full).examples.example).Count").Output.Single().BaseObject >= 2);
        }
    }
}
