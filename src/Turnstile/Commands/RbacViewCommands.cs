using System.CommandLine;
using System.Text.RegularExpressions;
using Turnstile.Cli.Output;
using Turnstile.Core.Analysis;
using Turnstile.Core.Authn;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;

namespace Turnstile.Cli.Commands;

/// <summary>The krew plugins' views over one cluster: <c>lookup</c> (rbac-tool lookup), <c>rolesum</c> and <c>policy-rules</c>, each also for an IAM principal.</summary>
public static class RbacViewCommands
{
    public static Command Lookup()
    {
        var command = new Command("lookup", "List the roles bound to subjects whose name matches a regular expression, like `rbac-tool lookup`, with the IAM principals mapped to each subject; or those of an IAM principal's user and groups (--as-arn)");
        var inputs = new Inputs(command, "SUBJECT", "Regular expression matched against subject names (default: every subject)",
            "IAM principal: look up its Kubernetes user and groups instead of a pattern");
        command.SetAction(result =>
        {
            var (analysis, view, pattern) = inputs.Read(result);
            if (view is { User: null }) return Refuse(view);
            var rows = view?.User is { } user
                ? SubjectLookup.Find(analysis, (s, ns) => SubjectMatcher.AppliesTo(s, user, ns))
                : SubjectLookup.Find(analysis, Regex(pattern ?? ""));
            var format = result.GetRequiredValue(inputs.Output);
            if (Structured.Handles(format))
            {
                Structured.Write(rows, format);
                return ExitCodes.Yes;
            }
            if (rows.Count == 0)
            {
                Console.WriteLine("No bindings name a matching subject.");
                return ExitCodes.Yes;
            }
            Terminal.Table(["SUBJECT", "SUBJECT TYPE", "SCOPE", "NAMESPACE", "ROLE", "BINDING", "IAM PRINCIPALS"],
                rows.Select(r => new Cell[]
                {
                    new(r.Subject, "yellow"), r.SubjectKind, r.Binding.RoleKind, r.Binding.Namespace, r.Binding.RoleName, r.Binding.Name, Principals(r.MappedPrincipals),
                }));
            return ExitCodes.Yes;
        });
        return command;
    }

    public static Command RoleSum()
    {
        var command = new Command("rolesum", "Summarize the roles bound to a subject, like `kubectl rolesum`: per binding, each resource with its names and the verbs G L W C U P D DC; for an IAM principal (--as-arn) also its access policies and system:masters");
        var inputs = new Inputs(command, "NAME", "Subject name", "IAM principal to summarize instead of a subject");
        var kind = new Option<string>("--subject-kind", "-k") { Description = "ServiceAccount, User or Group", DefaultValueFactory = _ => SubjectKinds.ServiceAccount };
        kind.AcceptOnlyFromAmong(SubjectKinds.ServiceAccount, SubjectKinds.User, SubjectKinds.Group);
        var ns = new Option<string?>("--namespace", "-n") { Description = "Namespace of a ServiceAccount (default: default)" };
        command.Add(kind);
        command.Add(ns);
        command.SetAction(result =>
        {
            var (analysis, view, name) = inputs.Read(result);
            var rbac = analysis.Engine.Authorizer.Rbac;
            string heading;
            IReadOnlyList<EffectiveRule> rules;
            if (view is not null)
            {
                if (view.User is not { } user) return Refuse(view);
                heading = $"IAM principal: {view.Principal.Arn} ({view.MappedBy}; user {user.Username}, groups [{string.Join(' ', user.Groups)}])";
                rules = EffectiveRules.For(rbac, user, view.Policies);
            }
            else
            {
                var subjectName = name ?? throw new UsageException("NAME is required (or --as-arn)");
                var spec = new SubjectSpec(result.GetRequiredValue(kind), subjectName, result.GetValue(ns) ?? "default");
                heading = spec.Kind == SubjectKinds.ServiceAccount ? $"ServiceAccount: {spec.Namespace}/{spec.Name}" : $"{spec.Kind}: {spec.Name}";
                rules = EffectiveRules.ForSubject(rbac, spec.Matches);
            }
            var blocks = RoleSummary.Summarize(rules);
            var format = result.GetRequiredValue(inputs.Output);
            if (Structured.Handles(format))
            {
                Structured.Write(new { Subject = heading, Policies = blocks }, format);
                return ExitCodes.Yes;
            }
            Terminal.Line(heading, "yellow");
            Console.WriteLine();
            Terminal.Line("Policies:", "aqua");
            if (blocks.Count == 0) Console.WriteLine("  (none)");
            foreach (var block in blocks)
            {
                Terminal.Line("• " + Origin(block), "aqua");
                Terminal.Table(["Resource", "Names", "Non-resource URLs", "Other verbs", "G L W C U P D DC"], block.Lines.Select(l => new Cell[]
                {
                    l.Resource.Length > 0 ? l.Resource : "-",
                    l.Names.Count > 0 ? "[" + string.Join(", ", l.Names) + "]" : "[*]",
                    l.NonResourceUrls.Count > 0 ? "[" + string.Join(", ", l.NonResourceUrls) + "]" : "[-]",
                    l.OtherVerbs.Count > 0 ? "[" + string.Join(", ", l.OtherVerbs) + "]" : "[-]",
                    string.Join(' ', SummaryLine.StandardVerbs.Select(v => l.Grants(v) ? "✔" : "✖")),
                }));
                Console.WriteLine();
            }
            return ExitCodes.Yes;
        });
        return command;
    }

    public static Command PolicyRules()
    {
        var command = new Command("policy-rules", "List the effective rules of an IAM principal (--as-arn: RBAC through its user and groups, access policies with their scope, system:masters), or of the subjects matching a regular expression, like `rbac-tool policy-rules`");
        var inputs = new Inputs(command, "SUBJECT", "Regular expression matched against subject names", "IAM principal whose effective rules to list");
        command.SetAction(result =>
        {
            var (analysis, view, pattern) = inputs.Read(result);
            var rbac = analysis.Engine.Authorizer.Rbac;
            IReadOnlyList<EffectiveRule> rules;
            if (view is not null)
            {
                if (view.User is not { } user) return Refuse(view);
                rules = EffectiveRules.For(rbac, user, view.Policies);
            }
            else
            {
                var regex = Regex(pattern ?? throw new UsageException("give SUBJECT (a regular expression) or --as-arn"));
                rules = EffectiveRules.ForSubject(rbac, (s, _) => regex.IsMatch(s.Name));
            }
            var format = result.GetRequiredValue(inputs.Output);
            if (Structured.Handles(format))
            {
                Structured.Write(rules, format);
                return ExitCodes.Yes;
            }
            Terminal.Table(["TYPE", "SUBJECT", "VERBS", "NAMESPACE", "API GROUP", "KIND", "NAMES", "NONRESOURCEURI", "ORIGINATED FROM"],
                rules.SelectMany(Rows));
            return ExitCodes.Yes;
        });
        return command;
    }

    private static IEnumerable<Cell[]> Rows(EffectiveRule rule)
    {
        var (type, subject) = rule.Origin.Kind switch
        {
            GrantKind.SystemMasters => ("Group", KubeUser.MastersGroup),
            GrantKind.AccessPolicy => ("AccessPolicy", rule.Origin.Policy!.Name),
            _ => SplitSubject(rule.Origin.Subject ?? ""),
        };
        var origin = rule.Origin.Kind switch
        {
            GrantKind.SystemMasters => "system:masters",
            GrantKind.AccessPolicy => $"AccessPolicy/{rule.Origin.Policy!.Name} ({rule.Origin.Policy.Scope})",
            _ => $"{rule.Origin.Binding!.Kind}s/{(rule.Origin.Binding.Namespace.Length > 0 ? rule.Origin.Binding.Namespace + "/" : "")}{rule.Origin.Binding.Name}",
        };
        var verbs = string.Join(',', rule.Rule.Verbs);
        var ns = string.Join(',', rule.Namespaces);
        var names = string.Join(',', rule.Rule.ResourceNames);
        if (rule.Rule.IsNonResource)
        {
            yield return [type, new(subject, "yellow"), verbs, ns, "", "", names, string.Join(',', rule.Rule.NonResourceUrls), origin];
            yield break;
        }
        foreach (var group in rule.Rule.ApiGroups)
            foreach (var resource in rule.Rule.Resources)
                yield return [type, new(subject, "yellow"), verbs, ns, group.Length == 0 ? "core" : group, resource, names, "", origin];
    }

    /// <summary><c>Group "dev"</c> into (<c>Group</c>, <c>dev</c>).</summary>
    private static (string, string) SplitSubject(string described)
    {
        var space = described.IndexOf(' ');
        return space < 0 ? ("", described) : (described[..space], described[(space + 1)..].Trim('"'));
    }

    private static string Principals(IReadOnlyList<string> arns) => arns.Count switch
    {
        0 => "",
        <= 2 => string.Join(", ", arns),
        _ => $"{arns[0]}, {arns[1]} (+{arns.Count - 2} more)",
    };

    private static Regex Regex(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"SUBJECT {pattern}: not a regular expression: {e.Message}");
        }
    }

    /// <summary>kubectl's 401 for a principal nothing maps, with the reason; the exit code to return.</summary>
    internal static int Refuse(PrincipalView view)
    {
        Console.Error.Write(KubectlErrorText.FromStatus(KubeStatus.Unauthorized()));
        Console.Error.WriteLine($"({view.Principal.Arn}: {view.Mapping.Error})");
        return ExitCodes.Unauthenticated;
    }

    /// <summary>What lookup, rolesum and policy-rules share: the cluster, a subject argument or an IAM principal, the output format.</summary>
    private sealed class Inputs
    {
        private readonly ClusterSourceOptions _cluster = new();
        private readonly Argument<string?> _subject;
        private readonly PrincipalOptions _principal;

        public Inputs(Command command, string argument, string argumentHelp, string principalHelp)
        {
            _subject = new Argument<string?>(argument) { Description = argumentHelp, Arity = ArgumentArity.ZeroOrOne };
            _principal = new PrincipalOptions(principalHelp);
            _cluster.AddTo(command);
            command.Add(_subject);
            _principal.AddTo(command);
            command.Add(Output);
        }

        public Option<string> Output { get; } = OutputFormat.Option("table", "json", "yaml");

        /// <summary>The cluster, and either the principal of --as-arn (possibly unmapped) or the subject argument.</summary>
        public (ClusterAnalysis Analysis, PrincipalView? Principal, string? Subject) Read(ParseResult result)
        {
            var subject = result.GetValue(_subject);
            if (subject is not null && _principal.Given(result)) throw new UsageException($"give {_subject.Name} or --as-arn, not both");
            var analysis = new ClusterAnalysis(_cluster.Load(result).Model);
            return (analysis, _principal.Given(result) ? _principal.Resolve(result, analysis) : null, subject);
        }
    }

    private static string Origin(SummaryBlock block)
    {
        var o = block.Origin;
        return o.Kind switch
        {
            GrantKind.SystemMasters => "[system:masters] every request is allowed; RBAC is not consulted",
            GrantKind.Node => "[Node] rules of ClusterRole system:node",
            GrantKind.AccessPolicy => $"[EKS] access policy {o.Policy!.Name} ⟶ {o.Policy.Scope}",
            _ => $"[{(o.Binding!.Kind == "ClusterRoleBinding" ? "CRB" : "RB")}] {(o.Binding.Namespace.Length > 0 ? o.Binding.Namespace : "*")}/{o.Binding.Name} ⟶  [{(o.Binding.RoleKind == "ClusterRole" ? "CR" : "R")}] {(o.Binding.RoleKind == "Role" ? o.Binding.Namespace : "*")}/{o.Binding.RoleName}{(o.Subject is null ? "" : " (to " + o.Subject + ")")}",
        };
    }
}
