namespace Turnstile.Aws.Eks;

/// <summary>
/// How long asynchronous EKS work takes when <see cref="EmulatorOptions.RealisticLatency"/> is on (typical
/// durations seen on the real service). When it is off, the work completes at the next call after the one that started it.
/// </summary>
public sealed record EksTimings
{
    public TimeSpan ClusterCreation { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan ClusterDeletion { get; init; } = TimeSpan.FromMinutes(4);
    public TimeSpan NodegroupCreation { get; init; } = TimeSpan.FromMinutes(3);
    public TimeSpan NodegroupDeletion { get; init; } = TimeSpan.FromMinutes(3);
    public TimeSpan NodegroupUpdate { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan AccessConfigUpdate { get; init; } = TimeSpan.FromMinutes(1);

    public static EksTimings Realistic { get; } = new();
}
