using System;

namespace NetFoundations.Host
{
    /// <summary>The read-eval-print loop.</summary>
    internal sealed class InteractivePrompt
    {
        private readonly HostSession session;

        public InteractivePrompt(HostSession session)
        {
            this.session = session;
        }

        public int Run()
        {
            var last = 0;
            while (session.Host.ExitCode == null)
            {
                Console.Write("NF " + Environment.CurrentDirectory + "> ");
                var line = Console.ReadLine();
                if (line == null)
                    break;
                if (line.Trim().Length == 0)
                    continue;
                last = session.RunText(line);
            }
            return session.Host.ExitCode ?? last;
        }
    }
}
