namespace Turnstile.Server.Tests.Iam;

/// <summary>
/// The system clock moved by <see cref="Offset"/>: lets an end-to-end test age a session without waiting, while the
/// CLI's signatures (stamped with the real time) stay within the 15-minute skew the host accepts.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
