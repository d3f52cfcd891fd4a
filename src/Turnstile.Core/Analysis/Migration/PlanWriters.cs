using System.Text;
using System.Text.RegularExpressions;
using Turnstile.Core.AccessPolicies;
using Turnstile.Core.Analysis.Lint;
using Turnstile.Core.Arns;
using Turnstile.Core.Mapping;

namespace Turnstile.Core.Analysis.Migration;

/// <summary>A migration plan as runnable <c>aws eks</c> commands, the Terraform EKS module's <c>access_entries</c>, or an eksctl <c>accessConfig</c>.</summary>
public static partial class PlanWriters
{
    [GeneratedRegex(@"^[A-Za-z0-9_./:=@,+-]+$")]
    private static partial Regex ShellSafe();

    public static string AwsCli(MigrationPlan plan)
    {
        var sb = new StringBuilder();
        sb.Append("#!/usr/bin/env bash\n");
        sb.Append($"# Access entries equivalent to the aws-auth ConfigMap of cluster {plan.ClusterName} (turnstile migrate).\n");
        sb.Append("# Prove the plan before running it: turnstile migrate --verify --snapshot DIR\n");
        Notes(sb, plan.Notes, "#");
        sb.Append("set -euo pipefail\n");
        sb.Append($"CLUSTER={Quote(plan.ClusterName)}\n");
        if (plan.Region.Length > 0) sb.Append($"export AWS_REGION={Quote(plan.Region)}\n");
        if (plan.FromMode == AuthenticationMode.ConfigMap.ToWire())
        {
            sb.Append("\n# 1. Enable access entries; aws-auth keeps working meanwhile. Wait until `aws eks describe-update` says Successful.\n");
            sb.Append("aws eks update-cluster-config --name \"$CLUSTER\" --access-config authenticationMode=API_AND_CONFIG_MAP\n");
        }
        sb.Append("\n# 2. The access entries\n");
        foreach (var entry in plan.Entries)
        {
            sb.Append('\n');
            if (entry.CreatedByEks)
                sb.Append($"# {entry.From}: EKS creates this entry itself when access entries are enabled (listed for completeness)\n");
            else
            {
                sb.Append($"# from {entry.From}");
                if (AccessEntryTypes.IsNode(entry.Type)) sb.Append(" (EKS already created this entry if the role belongs to a managed node group)");
                sb.Append('\n');
            }
            var prefix = entry.CreatedByEks ? "# " : "";
            var create = new StringBuilder($"{prefix}aws eks create-access-entry --cluster-name \"$CLUSTER\" --principal-arn {Quote(entry.PrincipalArn)}");
            if (entry.Type != AccessEntryTypes.Standard) create.Append($" --type {entry.Type}");
            if (entry.Username is { } username) create.Append($" --username {Quote(username)}");
            if (entry.KubernetesGroups.Count > 0) create.Append(" --kubernetes-groups " + string.Join(' ', entry.KubernetesGroups.Select(Quote)));
            sb.Append(create).Append('\n');
            foreach (var policy in entry.AccessPolicies)
            {
                var scope = policy.ScopeType == AccessScopeTypes.Cluster ? "type=cluster" : $"type=namespace,namespaces={string.Join(',', policy.Namespaces)}";
                sb.Append($"{prefix}aws eks associate-access-policy --cluster-name \"$CLUSTER\" --principal-arn {Quote(entry.PrincipalArn)} --policy-arn {Quote(policy.PolicyArn)} --access-scope {Quote(scope)}\n");
            }
        }
        sb.Append("\n# 3. Only after verifying: the switch to API cannot be undone. Then delete the aws-auth ConfigMap.\n");
        sb.Append("# aws eks update-cluster-config --name \"$CLUSTER\" --access-config authenticationMode=API\n");
        return sb.ToString();
    }

    public static string Terraform(MigrationPlan plan)
    {
        var sb = new StringBuilder();
        sb.Append($"# Access entries equivalent to the aws-auth ConfigMap of cluster {plan.ClusterName} (turnstile migrate),\n");
        sb.Append("# as the access_entries input of the terraform-aws-modules/eks/aws module (v20+).\n");
        Notes(sb, plan.Notes, "#");
        sb.Append("access_entries = {\n");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in plan.Entries)
        {
            var prefix = entry.CreatedByEks ? "  # " : "  ";
            if (entry.CreatedByEks)
                sb.Append($"  # {entry.From}: EKS creates this entry when access entries are enabled; the module adds it when\n" +
                          "  # enable_cluster_creator_admin_permissions = true and Terraform runs as the creator, or import it:\n");
            else sb.Append($"  # from {entry.From}\n");
            var key = UniqueKey(entry.PrincipalArn, keys);
            sb.Append($"{prefix}{key} = {{\n");
            sb.Append($"{prefix}  principal_arn     = {Hcl(entry.PrincipalArn)}\n");
            sb.Append($"{prefix}  type              = {Hcl(entry.Type)}\n");
            if (entry.Username is { } username) sb.Append($"{prefix}  user_name         = {Hcl(username)}\n");
            if (entry.KubernetesGroups.Count > 0) sb.Append($"{prefix}  kubernetes_groups = [{string.Join(", ", entry.KubernetesGroups.Select(Hcl))}]\n");
            if (entry.AccessPolicies.Count > 0)
            {
                sb.Append($"{prefix}  policy_associations = {{\n");
                var policyKeys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var policy in entry.AccessPolicies)
                {
                    var name = AccessPolicyCatalog.FindByArn(policy.PolicyArn)?.Name ?? policy.PolicyArn;
                    sb.Append($"{prefix}    {UniqueKey(name, policyKeys)} = {{\n");
                    sb.Append($"{prefix}      policy_arn = {Hcl(policy.PolicyArn)}\n");
                    sb.Append($"{prefix}      access_scope = {{\n");
                    sb.Append($"{prefix}        type       = {Hcl(policy.ScopeType)}\n");
                    sb.Append($"{prefix}        namespaces = [{string.Join(", ", policy.Namespaces.Select(Hcl))}]\n");
                    sb.Append($"{prefix}      }}\n{prefix}    }}\n");
                }
                sb.Append($"{prefix}  }}\n");
            }
            sb.Append($"{prefix}}}\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    public static string Eksctl(MigrationPlan plan)
    {
        var sb = new StringBuilder();
        sb.Append($"# Access entries equivalent to the aws-auth ConfigMap of cluster {plan.ClusterName} (turnstile migrate).\n");
        sb.Append("# Create them with: eksctl create accessentry -f FILE\n");
        Notes(sb, plan.Notes, "#");
        sb.Append("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n");
        sb.Append($"  name: {Yaml(plan.ClusterName)}\n");
        if (plan.Region.Length > 0) sb.Append($"  region: {Yaml(plan.Region)}\n");
        sb.Append("accessConfig:\n  authenticationMode: API_AND_CONFIG_MAP\n  accessEntries:\n");
        foreach (var entry in plan.Entries)
        {
            var prefix = entry.CreatedByEks ? "    # " : "    ";
            sb.Append(entry.CreatedByEks ? $"    # {entry.From}: EKS creates this entry itself when access entries are enabled\n" : $"    # from {entry.From}\n");
            sb.Append($"{prefix}- principalARN: {Yaml(entry.PrincipalArn)}\n");
            if (entry.Type != AccessEntryTypes.Standard) sb.Append($"{prefix}  type: {entry.Type}\n");
            if (entry.Username is { } username) sb.Append($"{prefix}  kubernetesUsername: {Yaml(username)}\n");
            if (entry.KubernetesGroups.Count > 0) sb.Append($"{prefix}  kubernetesGroups: [{string.Join(", ", entry.KubernetesGroups.Select(Yaml))}]\n");
            if (entry.AccessPolicies.Count == 0) continue;
            sb.Append($"{prefix}  accessPolicies:\n");
            foreach (var policy in entry.AccessPolicies)
            {
                sb.Append($"{prefix}    - policyARN: {Yaml(policy.PolicyArn)}\n");
                sb.Append($"{prefix}      accessScope:\n{prefix}        type: {policy.ScopeType}\n");
                if (policy.Namespaces.Count > 0) sb.Append($"{prefix}        namespaces: [{string.Join(", ", policy.Namespaces.Select(Yaml))}]\n");
            }
        }
        return sb.ToString();
    }

    private static void Notes(StringBuilder sb, IReadOnlyList<Finding> notes, string comment)
    {
        foreach (var note in notes.Where(n => n.Severity != Severity.Info))
            sb.Append($"{comment} {note.Severity.ToString().ToUpperInvariant()}: {note.Location}: {note.Message}\n");
    }

    private static string Quote(string value) => ShellSafe().IsMatch(value) ? value : "'" + value.Replace("'", "'\\''") + "'";

    private static string Hcl(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("${", "$${").Replace("%{", "%%{") + "\"";

    private static string Yaml(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>A Terraform map key from the principal's name (<c>AWSReservedSSO_Admin_…</c> becomes <c>awsreservedsso_admin_…</c>).</summary>
    private static string UniqueKey(string arnOrName, HashSet<string> used)
    {
        var name = PrincipalArn.TryParse(arnOrName, out var principal, out _) ? principal.Name : arnOrName;
        var key = new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');
        if (key.Length == 0 || char.IsAsciiDigit(key[0])) key = "entry_" + key;
        var unique = key;
        for (var i = 2; !used.Add(unique); i++) unique = $"{key}_{i}";
        return unique;
    }
}
