using Turnstile.Core.Arns;
using Turnstile.Core.Mapping;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Turnstile.Cli.IdentityMappings;

/// <summary>
/// One row of <c>get iamidentitymapping</c>: a role (<see cref="IsRole"/>, from mapRoles) or user mapping
/// (<see cref="Arn"/>), or an account (<see cref="Account"/>).
/// </summary>
public sealed record IdentityMappingRow(string Arn, string Username, IReadOnlyList<string> Groups, string Account, bool IsRole = false);

/// <summary>What a create did: added a row, or found the very same mapping with <c>--no-duplicate-arns</c> and left it.</summary>
public enum CreateOutcome { Added, AlreadyPresent }

/// <summary>
/// eksctl's edits of the aws-auth ConfigMap's <c>data</c> (pkg/authconfigmap): role ARNs go to <c>mapRoles</c>, user ARNs
/// to <c>mapUsers</c>, accounts to <c>mapAccounts</c> (distinct and sorted). Rows are read with the core aws-auth parser;
/// the edited sections are rewritten from their YAML nodes, so rows and fields this command does not touch are kept as
/// they were. A section that is not a YAML list cannot be edited (eksctl fails to unmarshal it too).
/// Info lines and warnings go to <see cref="Log"/> (warnings start with <c>warning: </c>).
/// </summary>
public sealed class AwsAuthEditor
{
    private readonly Dictionary<string, string> _data;
    private readonly List<string> _log = [];

    public AwsAuthEditor(IDictionary<string, string>? data) => _data = new Dictionary<string, string>(data ?? new Dictionary<string, string>(), StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Data => _data;

    public IReadOnlyList<string> Log => _log;

    /// <summary>The ARN as a role or user identity, or a <see cref="MappingInputException"/> saying why it is neither.</summary>
    public static PrincipalArn ParseIdentityArn(string arn)
    {
        if (!PrincipalArn.TryParse(arn, out var principal, out var error)) throw new MappingInputException(error);
        if (principal.Type is not (PrincipalType.Role or PrincipalType.User))
            throw new MappingInputException($"arn '{arn}' is not an IAM role or user ARN (arn:PARTITION:iam::ACCOUNT:role/NAME or ...:user/NAME)");
        return principal;
    }

    public static void ValidateAccount(string account)
    {
        if (!IamIdentityRules.IsAccountId(account)) throw new MappingInputException($"account '{account}' is not a 12-digit AWS account ID");
    }

    /// <summary>Every role and user mapping (roles first, as eksctl lists them) and every account.</summary>
    public IReadOnlyList<IdentityMappingRow> Rows()
    {
        var config = Parse();
        var rows = new List<IdentityMappingRow>();
        rows.AddRange(config.Roles.Where(r => r.RoleArn is not null).Select(r => new IdentityMappingRow(r.RoleArn!, r.Username, r.Groups, "", IsRole: true)));
        rows.AddRange(config.Users.Select(u => new IdentityMappingRow(u.UserArn, u.Username, u.Groups, "")));
        rows.AddRange(config.Accounts.Select(a => new IdentityMappingRow("", "", [], a)));
        return rows;
    }

    /// <summary>The identity rows whose ARN is exactly <paramref name="arn"/>.</summary>
    public IReadOnlyList<IdentityMappingRow> Identities(string arn) => Rows().Where(r => r.Arn == arn).ToArray();

    public CreateOutcome AddIdentity(string arn, string username, IReadOnlyList<string> groups, bool noDuplicateArns)
    {
        var principal = ParseIdentityArn(arn);
        foreach (var existing in Identities(arn))
        {
            if (noDuplicateArns && existing.IsRole == (principal.Type == PrincipalType.Role) &&
                existing.Username == username && existing.Groups.SequenceEqual(groups))
            {
                _log.Add("warning: found existing mapping that matches the one being created, quitting.");
                return CreateOutcome.AlreadyPresent;
            }
            if (noDuplicateArns)
                throw new MappingInputException($"found existing mapping with the same arn \"{arn}\" and shadowing is disabled");
            _log.Add($"warning: found existing mappings with same arn \"{arn}\" (which will be shadowed by your new mapping)");
            break;
        }

        var role = principal.Type == PrincipalType.Role;
        var key = role ? AwsAuthConfig.MapRolesKey : AwsAuthConfig.MapUsersKey;
        var section = Section(key);
        var row = new YamlMappingNode { { role ? "rolearn" : "userarn", Quoted(arn) } };
        if (username.Length > 0) row.Add("username", Quoted(username));
        if (groups.Count > 0) row.Add("groups", new YamlSequenceNode(groups.Select(g => (YamlNode)Quoted(g))));
        section.Add(row);
        _data[key] = Emit(section);
        _log.Add($"adding identity \"{arn}\" to auth ConfigMap");
        return CreateOutcome.Added;
    }

    public void AddAccount(string account)
    {
        ValidateAccount(account);
        var accounts = Parse().Accounts.Append(account).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        _log.Add($"adding account \"{account}\" to auth ConfigMap");
        SetAccounts(accounts);
    }

    /// <summary>Removes the first mapping of <paramref name="arn"/> (every one with <paramref name="all"/>); returns how many remain.</summary>
    public int RemoveIdentity(string arn, bool all)
    {
        var config = Parse();
        var roleIndexes = config.Roles.Where(r => r.RoleArn == arn).Select(r => r.Index).ToList();
        var userIndexes = config.Users.Where(u => u.UserArn == arn).Select(u => u.Index).ToList();
        if (roleIndexes.Count + userIndexes.Count == 0)
        {
            if (all) return 0;
            throw new MappingNotFoundException($"instance identity ARN \"{arn}\" not found in auth ConfigMap");
        }
        if (!all)
        {
            // Roles come before users, as eksctl walks them.
            if (roleIndexes.Count > 0) { roleIndexes = [roleIndexes[0]]; userIndexes = []; }
            else userIndexes = [userIndexes[0]];
        }
        Remove(AwsAuthConfig.MapRolesKey, roleIndexes, config.Roles.Select(r => (r.Index, r.Username, r.Groups)));
        Remove(AwsAuthConfig.MapUsersKey, userIndexes, config.Users.Select(u => (u.Index, u.Username, u.Groups)));
        return Identities(arn).Count;

        void Remove(string key, List<int> indexes, IEnumerable<(int Index, string Username, IReadOnlyList<string> Groups)> rows)
        {
            if (indexes.Count == 0) return;
            var byIndex = rows.ToDictionary(r => r.Index);
            var section = Section(key);
            foreach (var index in indexes.OrderDescending())
            {
                var (_, username, groups) = byIndex[index];
                _log.Add($"removing identity \"{arn}\" from auth ConfigMap (username = \"{username}\", groups = [{string.Join(" ", groups.Select(g => $"\"{g}\""))}])");
                section.Children.RemoveAt(index);
            }
            _data[key] = Emit(section);
        }
    }

    public void RemoveAccount(string account)
    {
        var accounts = Parse().Accounts.ToList();
        var index = accounts.IndexOf(account);
        if (index < 0) throw new MappingNotFoundException($"account \"{account}\" not found in auth ConfigMap");
        accounts.RemoveAt(index);
        _log.Add($"removing account \"{account}\" from auth ConfigMap");
        SetAccounts(accounts);
    }

    private void SetAccounts(IEnumerable<string> accounts) =>
        _data[AwsAuthConfig.MapAccountsKey] = Emit(new YamlSequenceNode(accounts.Select(a => (YamlNode)Quoted(a))));

    private AwsAuthConfig Parse()
    {
        var config = AwsAuthConfig.Parse(_data);
        if (config.DroppedSections.FirstOrDefault() is { } dropped)
            throw new MappingInputException($"unmarshalling \"{dropped.Section}\": {dropped.Reason}");
        return config;
    }

    /// <summary>The section's list as YAML nodes (empty when the key is absent or blank).</summary>
    private YamlSequenceNode Section(string key)
    {
        Parse();
        if (!_data.TryGetValue(key, out var text) || text.Trim() is "" or "``" or "\"\"" or "''") return new YamlSequenceNode();
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlSequenceNode sequence ? sequence : new YamlSequenceNode();
    }

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    /// <summary>The list in block style, as eksctl writes it (<c>[]</c> when empty).</summary>
    internal static string Emit(YamlSequenceNode sequence)
    {
        if (sequence.Children.Count == 0) return "[]\n";
        sequence.Style = SequenceStyle.Block;
        var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(sequence)).Save(writer, assignAnchors: false);
        var text = writer.ToString();
        if (text.EndsWith("...\n", StringComparison.Ordinal)) text = text[..^4];
        return text;
    }
}

/// <summary>Input eksctl refuses (a bad ARN or account, a duplicate with --no-duplicate-arns): exit 2.</summary>
public class MappingInputException(string message) : Exception(message);

/// <summary>Nothing to delete: exit 2, as eksctl fails.</summary>
public sealed class MappingNotFoundException(string message) : MappingInputException(message);
