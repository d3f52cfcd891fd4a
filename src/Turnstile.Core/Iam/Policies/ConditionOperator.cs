namespace Turnstile.Core.Iam.Policies;

/// <summary>The documented IAM condition operators, without set qualifier or IfExists suffix.</summary>
public enum ConditionBase
{
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

public enum ConditionFamily
{
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

public enum SetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}

/// <summary>A parsed operator name such as <c>ForAnyValue:StringLikeIfExists</c>.</summary>
public readonly record struct ConditionOperator(ConditionBase Base, SetQualifier Qualifier, bool IfExists)
{
    private const string IfExistsSuffix = "IfExists";
    private const string ForAnyValuePrefix = "ForAnyValue:";
    private const string ForAllValuesPrefix = "ForAllValues:";

    public ConditionFamily Family => Base switch
    {
        <= ConditionBase.StringNotLike => ConditionFamily.String,
        <= ConditionBase.NumericGreaterThanEquals => ConditionFamily.Numeric,
        <= ConditionBase.DateGreaterThanEquals => ConditionFamily.Date,
        ConditionBase.Bool => ConditionFamily.Bool,
        ConditionBase.BinaryEquals => ConditionFamily.Binary,
        ConditionBase.IpAddress or ConditionBase.NotIpAddress => ConditionFamily.Ip,
        ConditionBase.Null => ConditionFamily.Null,
        _ => ConditionFamily.Arn,
    };

    /// <summary>
    /// Operators that succeed when the key does not match (the "Not" forms). AWS evaluates these as the
    /// negation of their positive counterpart, which is also why a missing key makes them true.
    /// </summary>
    public bool IsNegated => Base is ConditionBase.StringNotEquals or ConditionBase.StringNotEqualsIgnoreCase
        or ConditionBase.StringNotLike or ConditionBase.NumericNotEquals or ConditionBase.DateNotEquals
        or ConditionBase.NotIpAddress or ConditionBase.ArnNotEquals or ConditionBase.ArnNotLike;

    public static bool TryParse(string text, out ConditionOperator op)
    {
        op = default;
        var rest = text.AsSpan();
        var qualifier = SetQualifier.None;
        if (rest.StartsWith(ForAnyValuePrefix, StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAnyValue;
            rest = rest[ForAnyValuePrefix.Length..];
        }
        else if (rest.StartsWith(ForAllValuesPrefix, StringComparison.Ordinal))
        {
            qualifier = SetQualifier.ForAllValues;
            rest = rest[ForAllValuesPrefix.Length..];
        }
        var ifExists = false;
        if (rest.EndsWith(IfExistsSuffix, StringComparison.Ordinal))
        {
            ifExists = true;
            rest = rest[..^IfExistsSuffix.Length];
        }
        // Enum.TryParse would also accept digits and different casing, neither of which IAM allows.
        if (rest.Length == 0 || !char.IsAsciiLetterUpper(rest[0]) || !Enum.TryParse(rest, ignoreCase: false, out ConditionBase @base)) return false;
        if (@base == ConditionBase.Null && (ifExists || qualifier != SetQualifier.None)) return false;
        op = new ConditionOperator(@base, qualifier, ifExists);
        return true;
    }

    public override string ToString()
    {
        var prefix = Qualifier switch
        {
            SetQualifier.ForAnyValue => ForAnyValuePrefix,
            SetQualifier.ForAllValues => ForAllValuesPrefix,
            _ => "",
        };
        return prefix + Base + (IfExists ? IfExistsSuffix : "");
    }
}
