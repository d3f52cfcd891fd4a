namespace Turnstile.Core.Authn;

/// <summary>The user the Kubernetes API server sees (TokenReview status.user).</summary>
public sealed record KubeUser(
    string Username,
    string Uid,
    IReadOnlyList<string> Groups,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    public const string AuthenticatedGroup = "system:authenticated";
    public const string UnauthenticatedGroup = "system:unauthenticated";
    public const string MastersGroup = "system:masters";
    public const string Anonymous = "system:anonymous";

    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoExtra =
        new Dictionary<string, IReadOnlyList<string>>();

    public static KubeUser Of(string username, params string[] groups) => new(username, "", groups, NoExtra);

    public bool InGroup(string group)
    {
        // An index loop: enumerating the interface would allocate on every authorization.
        for (var i = 0; i < Groups.Count; i++)
            if (string.Equals(Groups[i], group, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// The API server's authenticated-group adder: appends <c>system:authenticated</c> unless the user is
    /// anonymous or already carries it or <c>system:unauthenticated</c>.
    /// </summary>
    public KubeUser WithAuthenticatedGroup()
    {
        if (Username == Anonymous || InGroup(AuthenticatedGroup) || InGroup(UnauthenticatedGroup)) return this;
        var groups = new List<string>(Groups.Count + 1);
        groups.AddRange(Groups);
        groups.Add(AuthenticatedGroup);
        return this with { Groups = groups };
    }
}
