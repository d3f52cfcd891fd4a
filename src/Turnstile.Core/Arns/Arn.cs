namespace Turnstile.Core.Arns;

/// <summary>A parsed ARN: <c>arn:partition:service:region:account:resource</c> (the resource keeps any further colons).</summary>
public sealed record Arn(string Partition, string Service, string Region, string Account, string Resource)
{
    public override string ToString() => $"arn:{Partition}:{Service}:{Region}:{Account}:{Resource}";

    public static bool TryParse(string? text, out Arn arn, out string error)
    {
        arn = null!;
        if (text is null || !text.StartsWith("arn:", StringComparison.Ordinal))
        {
            error = "arn: invalid prefix";
            return false;
        }
        var parts = text.Split(':', 6);
        if (parts.Length < 6)
        {
            error = "arn: not enough sections";
            return false;
        }
        arn = new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]);
        error = "";
        return true;
    }

    public static Arn Parse(string text) =>
        TryParse(text, out var arn, out var error) ? arn : throw new ArnException($"arn '{text}' is invalid: '{error}'");
}

public sealed class ArnException(string message) : Exception(message);
