using Turnstile.State;

namespace Turnstile.Aws;

/// <summary>The account the emulator plays and the credentials it bootstraps a new store with.</summary>
public sealed record EmulatorOptions
{
    public const string DefaultAccountId = "111122223333";
    public const string DefaultRegion = "ap-northeast-2";
    public const string DefaultAdminAccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    public const string DefaultAdminSecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    public string AccountId { get; init; } = DefaultAccountId;
    public string Region { get; init; } = DefaultRegion;
    public string Partition { get; init; } = "aws";
    public string AdminUserName { get; init; } = "admin";
    public string AdminAccessKeyId { get; init; } = DefaultAdminAccessKeyId;
    public string AdminSecretAccessKey { get; init; } = DefaultAdminSecretAccessKey;
    /// <summary>Host and port clients use for the AWS endpoint (for presigned-URL checks and messages).</summary>
    public string EndpointHost { get; init; } = "127.0.0.1:4566";
    /// <summary>Port of the clusters' Kubernetes API front, used in DescribeCluster's endpoint.</summary>
    public int KubePort { get; init; } = 6443;
    public string KubeHost { get; init; } = "127.0.0.1";
    /// <summary>When true, clusters and node groups stay CREATING/UPDATING for realistic durations.</summary>
    public bool RealisticLatency { get; init; }
}

/// <summary>
/// What every service shares: the replica's state cache (over the revisioned store), the account options and the
/// clock. There is no lock: each call is an optimistic transaction whose commit compares what it read.
/// </summary>
public sealed class EmulatorState(StateCache cache, EmulatorOptions options, TimeProvider? clock = null)
{
    public StateCache Cache { get; } = cache;
    public EmulatorOptions Options { get; } = options;
    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>
    /// The port of the Kubernetes API front that DescribeCluster names: <see cref="EmulatorOptions.KubePort"/>, or the
    /// port the front actually bound when it was started on port 0.
    /// </summary>
    public int KubePort
    {
        get => Volatile.Read(ref _kubePort) is var bound && bound > 0 ? bound : Options.KubePort;
        set => Volatile.Write(ref _kubePort, value);
    }

    private int _kubePort;
}
