namespace Turnstile.Core.Analysis.Lint;

public enum Severity
{
    Info,
    Warning,
    Error,
}

/// <summary>One lint result: how bad, which check, where (<c>aws-auth data.mapRoles[2] (line 7)</c>), what and how to fix it.</summary>
public sealed record Finding(Severity Severity, string Check, string Location, string Message, string Fix);
