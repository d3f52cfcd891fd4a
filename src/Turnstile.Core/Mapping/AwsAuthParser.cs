using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Turnstile.Core.Mapping;

/// <summary>aws-iam-authenticator's ParseMap over the ConfigMap's <c>data</c> (top-level keys are case-sensitive).</summary>
internal static class AwsAuthParser
{
    public static AwsAuthConfig Parse(IReadOnlyDictionary<string, string> data)
    {
        var errors = new List<string>();
        var roles = new List<RoleMapping>();
        var users = new List<UserMapping>();
        var accounts = new List<string>();
        var dropped = new List<string>();

        if (data.TryGetValue(AwsAuthConfig.MapRolesKey, out var mapRoles) && !IsBlank(mapRoles))
            ParseRows(mapRoles, AwsAuthConfig.MapRolesKey, errors, dropped, (i, fields) =>
            {
                var row = new RoleMapping(i, fields.Text("rolearn"), fields.Sso(), fields.Text("username") ?? "", fields.Groups());
                if (AwsAuthValidation.Validate(row) is { } problem) errors.Add($"{AwsAuthConfig.MapRolesKey}[{i}]: {problem}");
                else roles.Add(row);
            });

        if (data.TryGetValue(AwsAuthConfig.MapUsersKey, out var mapUsers) && !IsBlank(mapUsers))
            ParseRows(mapUsers, AwsAuthConfig.MapUsersKey, errors, dropped, (i, fields) =>
            {
                var row = new UserMapping(i, fields.Text("userarn") ?? "", fields.Text("username") ?? "", fields.Groups());
                if (AwsAuthValidation.Validate(row) is { } problem) errors.Add($"{AwsAuthConfig.MapUsersKey}[{i}]: {problem}");
                else users.Add(row);
            });

        if (data.TryGetValue(AwsAuthConfig.MapAccountsKey, out var mapAccounts) && !IsBlank(mapAccounts))
        {
            if (LoadSequence(mapAccounts, AwsAuthConfig.MapAccountsKey, errors, dropped) is { } sequence)
                foreach (var item in sequence)
                {
                    if (item is YamlScalarNode scalar) accounts.Add(scalar.Value ?? "");
                    else errors.Add($"{AwsAuthConfig.MapAccountsKey}: expected a list of account id strings");
                }
        }

        return new AwsAuthConfig(roles, users, accounts, errors) { DroppedSections = dropped };
    }

    private static bool IsBlank(string value)
    {
        var trimmed = value.Trim();
        return trimmed is "" or "``" or "\"\"" or "''";
    }

    private static void ParseRows(string yaml, string key, List<string> errors, List<string> dropped, Action<int, RowFields> onRow)
    {
        if (LoadSequence(yaml, key, errors, dropped) is not { } sequence) return;
        var index = 0;
        foreach (var item in sequence)
        {
            var i = index++;
            if (item is not YamlMappingNode mapping)
            {
                errors.Add($"{key}[{i}]: expected an object, got {Describe(item)}");
                continue;
            }
            onRow(i, new RowFields(mapping, $"{key}[{i}]", errors));
        }
    }

    /// <summary>Loads a section; a YAML error or a non-list drops the whole section, as the authenticator does.</summary>
    private static YamlSequenceNode? LoadSequence(string yaml, string key, List<string> errors, List<string> dropped)
    {
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            errors.Add($"{key}: yaml: line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
            dropped.Add(key);
            return null;
        }
        switch (root)
        {
            case null:
                return null;
            case YamlSequenceNode sequence:
                return sequence;
            case YamlScalarNode { Value: null or "" or "null" or "~" }:
                return null;
            default:
                errors.Add($"{key}: expected a list, got {Describe(root)}");
                dropped.Add(key);
                return null;
        }
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "an object",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"the value {s.Value}",
        _ => "an unexpected node",
    };

    /// <summary>Field access with case-insensitive names (the authenticator decodes JSON that way).</summary>
    private sealed class RowFields(YamlMappingNode mapping, string where, List<string> errors)
    {
        public string? Text(string name) => Scalar(Find(mapping, name), name);

        public IReadOnlyList<string> Groups()
        {
            var node = Find(mapping, "groups");
            switch (node)
            {
                case null:
                case YamlScalarNode { Value: null or "null" or "~", Style: ScalarStyle.Plain }:
                    return [];
                case YamlSequenceNode sequence:
                    var groups = new List<string>();
                    foreach (var item in sequence)
                    {
                        if (item is YamlScalarNode scalar) groups.Add(scalar.Value ?? "");
                        else errors.Add($"{where}.groups: expected a list of strings");
                    }
                    return groups;
                default:
                    errors.Add($"{where}.groups: expected a list of strings, got {Describe(node)}");
                    return [];
            }
        }

        public SsoRoleSelector? Sso()
        {
            var node = Find(mapping, "sso");
            if (node is null || node is YamlScalarNode { Value: null or "null" or "~" }) return null;
            if (node is not YamlMappingNode sso)
            {
                errors.Add($"{where}.sso: expected an object, got {Describe(node)}");
                return null;
            }
            return new SsoRoleSelector(
                Scalar(Find(sso, "permissionSetName"), "sso.permissionSetName") ?? "",
                Scalar(Find(sso, "accountID"), "sso.accountID") ?? "",
                Scalar(Find(sso, "partition"), "sso.partition") ?? "");
        }

        private string? Scalar(YamlNode? node, string name)
        {
            switch (node)
            {
                case null:
                    return null;
                case YamlScalarNode scalar:
                    return scalar.Style == ScalarStyle.Plain && scalar.Value is "null" or "~" ? null : scalar.Value;
                default:
                    errors.Add($"{where}.{name}: expected a string, got {Describe(node)}");
                    return null;
            }
        }

        private static YamlNode? Find(YamlMappingNode map, string name)
        {
            YamlNode? found = null;
            foreach (var (key, value) in map.Children)
                if (key is YamlScalarNode k && string.Equals(k.Value, name, StringComparison.OrdinalIgnoreCase))
                    found = value;
            return found;
        }
    }
}
