namespace Turnstile.State;

/// <summary>
/// A range read of every key starting with <see cref="Prefix"/>, in ordinal key order. <see cref="Limit"/> 0 means
/// all; <see cref="Continue"/> is the token a previous page returned.
/// </summary>
public sealed record ListRequest(string Prefix, int Limit = 0, string? Continue = null);

/// <summary>
/// One page: the items, the revision they were read at, and a continue token when more keys follow
/// (<see cref="RemainingItemCount"/> of them, when the backend knows cheaply).
/// </summary>
public sealed record ListResult(IReadOnlyList<KeyValue> Items, long Revision, string? Continue, long? RemainingItemCount = null);
