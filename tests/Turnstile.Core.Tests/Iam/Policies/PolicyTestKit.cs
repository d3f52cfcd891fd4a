using Turnstile.Core.Iam.Policies;

namespace Turnstile.Core.Tests.Iam.Policies;

internal static class PolicyTestKit
{
    public const string Account = "111122223333";
    public const string ClusterArn = "arn:aws:eks:ap-northeast-2:111122223333:cluster/my-cluster";

    /// <summary>Single quotes stand for double quotes, to keep JSON in test sources readable.</summary>
    public static string J(string json) => json.Replace('\'', '"');

    public static CompiledPolicy Identity(string json, string source = "inline") =>
        CompiledPolicy.Parse(J(json), PolicyKind.Identity, source, PolicySourceType.Role);

    public static CompiledPolicy Trust(string json) => CompiledPolicy.Parse(J(json), PolicyKind.Trust, "trust", PolicySourceType.Resource);

    /// <summary>One Allow statement on <c>*</c> for <paramref name="action"/> with the given condition block.</summary>
    public static CompiledPolicy AllowWhen(string condition, string action = "s3:GetObject", string version = "2012-10-17") =>
        Identity($"{{'Version':'{version}','Statement':{{'Effect':'Allow','Action':'{action}','Resource':'*','Condition':{condition}}}}}");

    public static RequestContext Request(string action, string resource = "*", ContextKeys? keys = null, string? principal = null) => new()
    {
        Action = action,
        Resource = resource,
        PrincipalArn = principal,
        Keys = keys ?? new ContextKeys(),
    };

    public static EvaluationDecision Decide(CompiledPolicy policy, string action, string resource = "*", ContextKeys? keys = null) =>
        PolicyEvaluator.Evaluate(Request(action, resource, keys), policy).Decision;

    public static bool Allows(CompiledPolicy policy, ContextKeys? keys, string action = "s3:GetObject", string resource = "*") =>
        Decide(policy, action, resource, keys) == EvaluationDecision.Allowed;

    public static ContextKeys Keys(params (string Key, ContextValue Value)[] values)
    {
        var keys = new ContextKeys();
        foreach (var (key, value) in values) keys.Set(key, value);
        return keys;
    }
}
